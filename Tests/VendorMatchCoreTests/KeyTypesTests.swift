import Testing
import VendorMatchCore

@Suite struct KeyTypesTests {
    @Test func constantTimeEqualityComparesLengthsAtFullWidth() {
        let token = Array("Bearer s3cret".utf8)
        #expect(ConstantTime.equals(token, token))
        #expect(!ConstantTime.equals(Array("Bearer s3cres".utf8), token))
        #expect(!ConstantTime.equals([UInt8](), token))
        #expect(!ConstantTime.equals(token, [UInt8]()))
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
        // 256 and 512 extra bytes wrapped to a length difference of 0 in 8 bits.
        for extra in [1, 256, 512] {
            #expect(!ConstantTime.equals(token + [UInt8](repeating: 0, count: extra), token), "\(extra) extra bytes")
        }
    }

    @Test func scopesParseAndPrint() throws {
        #expect(try KeyScopes(parsing: "read,write") == [.read, .write])
        #expect(try KeyScopes(parsing: " Admin ").description == "admin")
        #expect(try KeyScopes(parsing: "write,read,read").description == "read,write")
        #expect(throws: VMError.self) { try KeyScopes(parsing: "read,owner") }
        #expect(throws: VMError.self) { try KeyScopes(parsing: "") }
        #expect(KeyScopes.admin.grants([.read, .write]))
        #expect(!KeyScopes.write.grants(.read))
        #expect(!KeyScopes.read.grants(.admin))
    }

    @Test func tokensRoundTripAndRejectOtherShapes() {
        let token = APIKeyToken.generate()
        #expect(token.text.count == 4 + 12 + 1 + 64)
        #expect(APIKeyToken(parsing: token.text) == token)
        #expect(APIKeyToken.generate() != token)
        for bad in ["", "s3cret", "vmk_", token.text + "0", "vmk_" + token.id + "_" + token.secret.uppercased(), token.text.replacingOccurrences(of: "_", with: "-")] {
            #expect(APIKeyToken(parsing: bad) == nil, "\(bad)")
        }
    }
}
