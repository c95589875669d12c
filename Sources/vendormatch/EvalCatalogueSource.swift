import Foundation
import VendorMatchCore

/// Where `eval`/`train` read the catalogue from when no `--data` directory is given.
enum EvalCatalogueSource {
    static func load(global: GlobalOptions) throws -> Catalogue {
        throw VMError(.invalidInput, "no catalogue: pass --data DIR (JSON Lines vendors/case_studies/referrals)")
    }
}
