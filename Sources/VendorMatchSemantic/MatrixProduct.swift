import CMiniLMKernels
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The encoder's single-precision matrix products, `C = α·A·op(B) + β·C` in row-major order (the part of
/// `cblas_sgemm` it uses). OpenBLAS when the system has it, loaded at run time with `dlopen`, so building
/// needs no BLAS at all; otherwise the portable kernel in `CMiniLMKernels` (`vm_minilm_sgemm`). The two
/// agree to float rounding.
///
/// OpenBLAS is skipped where it did not recognise the CPU and runs its generic SSE3 core (`Prescott`),
/// about half as fast as the built-in kernel on AVX2 or AVX-512 (Debian's 0.3.21 on recent Xeons).
/// `VENDORMATCH_BLAS` overrides the choice: `builtin` never loads OpenBLAS, `openblas` uses it whenever
/// it loads (read once, at the first encoder load).
struct MatrixProduct: @unchecked Sendable {  // immutable; the C function pointer is safe to share
    enum Implementation: Equatable, Sendable {
        /// `cblas_sgemm` from this library (the name it was opened by), running this core
        /// (`openblas_get_corename`, e.g. `SkylakeX`, `Haswell`; nil when the library does not say).
        case openBLAS(library: String, core: String?)
        /// `vm_minilm_sgemm`.
        case builtin
    }

    /// `cblas_sgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)` of LP64 CBLAS
    /// (enums and `blasint` are 32-bit ints).
    typealias CblasSgemm = @convention(c) (
        Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32,
        Float, UnsafeMutablePointer<Float>?, Int32
    ) -> Void
    private typealias SetNumThreads = @convention(c) (Int32) -> Void
    private typealias GetCoreName = @convention(c) () -> UnsafePointer<CChar>?

    static let cblasRowMajor: Int32 = 101
    static let cblasNoTrans: Int32 = 111
    static let cblasTrans: Int32 = 112

    /// Tried in order: the runtime library of Debian's `libopenblas0` (any of its pthread, OpenMP or serial
    /// builds), then `libopenblas-dev`'s link name. Not the generic `libblas.so.3`: on Debian that is most
    /// often netlib's reference BLAS (`libblas3`), an unblocked loop many times slower than the built-in
    /// kernel; an OpenBLAS behind it also provides `libopenblas.so.0`.
    static let libraryNames = ["libopenblas.so.0", "libopenblas.so"]

    /// `builtin` or `openblas` overrides the choice (see `resolve`).
    static let environmentVariable = "VENDORMATCH_BLAS"

    let implementation: Implementation
    private let cblasSgemm: CblasSgemm?

    /// The portable kernel.
    static let builtin = MatrixProduct(implementation: .builtin, cblasSgemm: nil)

    /// What encoders use: resolved once per process from the environment and the libraries present.
    static let system: MatrixProduct = resolve(environment: ProcessInfo.processInfo.environment)

    /// `builtin` when `VENDORMATCH_BLAS=builtin`; else OpenBLAS if one of `libraryNames` loads, unless it
    /// runs its generic core while the built-in kernel has vector instructions (and `VENDORMATCH_BLAS`
    /// is not `openblas`); else `builtin`.
    static func resolve(environment: [String: String], libraryNames: [String] = libraryNames) -> MatrixProduct {
        let setting = environment[environmentVariable]?.lowercased()
        if setting == "builtin" { return .builtin }
        guard let openBLAS = openBLAS(libraryNames: libraryNames) else { return .builtin }
        if setting != "openblas", case .openBLAS(_, "Prescott") = openBLAS.implementation,
           String(cString: vm_minilm_sgemm_isa()) != "baseline" {
            return .builtin
        }
        return openBLAS
    }

    /// The first of `libraryNames` that loads and exports `cblas_sgemm`, set to one thread (callers
    /// parallelise across requests; OpenBLAS would otherwise spread one product over all cores).
    static func openBLAS(libraryNames: [String] = libraryNames) -> MatrixProduct? {
        for name in libraryNames {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            guard let symbol = dlsym(handle, "cblas_sgemm") else {
                dlclose(handle)
                continue
            }
            if let setThreads = dlsym(handle, "openblas_set_num_threads") {
                unsafeBitCast(setThreads, to: SetNumThreads.self)(1)
            }
            let core = dlsym(handle, "openblas_get_corename")
                .flatMap { unsafeBitCast($0, to: GetCoreName.self)() }
                .map { String(cString: $0) }
            // The handle stays open for the life of the process: the function pointer lives in it.
            return MatrixProduct(
                implementation: .openBLAS(library: name, core: core), cblasSgemm: unsafeBitCast(symbol, to: CblasSgemm.self))
        }
        return nil
    }

    /// Says which implementation runs, e.g. `OpenBLAS (libopenblas.so.0, SkylakeX)` or `built-in (avx512f)`.
    var description: String {
        switch implementation {
        case let .openBLAS(library, core): return "OpenBLAS (\(library)\(core.map { ", \($0)" } ?? ""))"
        case .builtin: return "built-in (\(String(cString: vm_minilm_sgemm_isa())))"
        }
    }

    /// `C[M×N] = α·A[M×K]·op(B) + β·C`, all row-major; `op(B)` is `Bᵀ` (B is N×K) when `transposeB`, else
    /// B (K×N). With β = 0, C is only written.
    func callAsFunction(
        transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if let cblasSgemm {
            cblasSgemm(
                Self.cblasRowMajor, Self.cblasNoTrans, transposeB ? Self.cblasTrans : Self.cblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        } else {
            vm_minilm_sgemm(
                transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        }
    }
}
