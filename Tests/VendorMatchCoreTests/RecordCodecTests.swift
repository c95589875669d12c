import Testing
@testable import VendorMatchCore

@Suite struct RecordCodecTests {
    let codec = RecordCodec(taxonomy: sharedTaxonomy)

    func vendorError(_ json: String) -> FieldError? {
        do {
            _ = try codec.vendor(try JSONParser.parse(json))
            return nil
        } catch {
            return error as? FieldError
        }
    }

    @Test func decodesAFullVendorAndRoundTrips() throws {
        let text = #"{"id":"v1","name":"Acme","size":"50-249","industries":["31","5221"],"service_types":["data"],"description":"We do data.","regions":["DE","US"],"languages":["en"],"certifications":["ISO 9001"],"min_project_usd":25000,"hourly_rate_usd":[80,120.5],"founded":2009,"unknown_field":{"x":1}}"#
        let v = try codec.vendor(try JSONParser.parse(text))
        #expect(v.industries == ["31-33", "5221"])
        #expect(v.size == .medium)
        #expect(v.hourlyRateUSD == [80, 120.5])
        let again = try codec.vendor(try JSONParser.parse(RecordCodec.json(v).serialized()))
        #expect(again == v)
    }

    @Test(arguments: [
        (#"{"name":"x"}"#, "id"),
        (#"{"id":"v","name":5}"#, "name"),
        (#"{"id":"v","name":"x","size":"huge"}"#, "size"),
        (#"{"id":"v","name":"x","industries":["99"]}"#, "industries[0]"),
        (#"{"id":"v","name":"x","service_types":["data","data.nope"]}"#, "service_types[1]"),
        (#"{"id":"v","name":"x","regions":["de"]}"#, "regions[0]"),
        (#"{"id":"v","name":"x","regions":["XX"]}"#, "regions[0]"),
        (#"{"id":"v","name":"x","languages":["EN"]}"#, "languages[0]"),
        (#"{"id":"v","name":"x","founded":"2001"}"#, "founded"),
        (#"{"id":"v","name":"x","founded":2001.5}"#, "founded"),
        (#"{"id":"v","name":"x","hourly_rate_usd":[5]}"#, "hourly_rate_usd"),
        (#"{"id":"","name":"x"}"#, "id"),
    ])
    func namesTheBadField(json: String, field: String) {
        #expect(vendorError(json)?.field == field)
    }

    /// Found by FuzzRequests: a wire vendor with an infinite hourly rate was accepted and its canonical JSON
    /// (`[0,inf]`, stored and exported as is) was not JSON. Rates are now bounded like `min_project_usd`.
    @Test(arguments: [Double.infinity, 1e13, .nan])
    func refusesAnHourlyRateWithoutAJSONSpellingOrOutOfRange(high: Double) {
        let vendor = JSONValue.object([("id", .string("v")), ("name", .string("x")), ("hourly_rate_usd", .array([.number(0), .number(high)]))])
        #expect(throws: FieldError(field: "hourly_rate_usd", reason: "expected [low, high] with 0 ≤ low ≤ high ≤ 1000000000000")) {
            try codec.vendor(vendor)
        }
        let ok = JSONValue.object([("id", .string("v")), ("name", .string("x")), ("hourly_rate_usd", .array([.number(0), .number(1e12)]))])
        #expect((try? codec.vendor(ok))?.hourlyRateUSD == [0, 1e12])
    }

    @Test func caseStudyNeedsServiceTypesAndValidEvaluation() throws {
        let ok = try codec.caseStudy(try JSONParser.parse(#"{"id":"c","vendor_id":"v","client_industry":"522","service_types":["data"],"evaluation":{"expertise":4.5,"would_recommend":9},"top_client":true}"#))
        #expect(ok.evaluation?.expertise == 4.5)
        #expect(ok.topClient == true)
        #expect(throws: FieldError.self) { try codec.caseStudy(try JSONParser.parse(#"{"id":"c","vendor_id":"v","client_industry":"522","service_types":[]}"#)) }
        do {
            _ = try codec.caseStudy(try JSONParser.parse(#"{"id":"c","vendor_id":"v","client_industry":"522","service_types":["data"],"evaluation":{"expertise":6}}"#))
            Issue.record("accepted expertise 6")
        } catch let e as FieldError {
            #expect(e.field == "evaluation.expertise")
        }
        do {
            _ = try codec.caseStudy(try JSONParser.parse(#"{"id":"c","vendor_id":"v","client_industry":"522","service_types":["data"],"verified":1}"#))
            Issue.record("accepted a number as a boolean")
        } catch let e as FieldError {
            #expect(e.field == "verified")
        }
    }

    @Test func referralDefaultsAndRanges() throws {
        let r = try codec.referral(try JSONParser.parse(#"{"id":"r","vendor_id":"v","referrer_type":"buyer_partner","buyer_org":"b1","date":"2024-05-01"}"#))
        #expect(r.strength == 1.0)
        #expect(r.counts(for: "b1"))
        #expect(!r.counts(for: "b2"))
        #expect(!r.counts(for: nil))
        let open = Referral(id: "r2", vendorID: "v", referrerType: .buyerInternal)
        #expect(!open.counts(for: "b1")) // buyer-relative without buyer_org carries no weight
        #expect(Referral(id: "r3", vendorID: "v", referrerType: .pastClient).counts(for: "anyone"))
        #expect(throws: FieldError.self) { try codec.referral(try JSONParser.parse(#"{"id":"r","vendor_id":"v","referrer_type":"friend"}"#)) }
        #expect(throws: FieldError.self) { try codec.referral(try JSONParser.parse(#"{"id":"r","vendor_id":"v","referrer_type":"institution","strength":1.5}"#)) }
        #expect(throws: FieldError.self) { try codec.referral(try JSONParser.parse(#"{"id":"r","vendor_id":"v","referrer_type":"institution","date":"2024-13-01"}"#)) }
    }

    @Test(arguments: [0, -1, 1001])
    func requestKOutOfRangeIsRejected(k: Int) {
        #expect(throws: FieldError.self) { try codec.request(try JSONParser.parse(#"{"id":"q","k":\#(k)}"#)) }
    }

    @Test func certificationsCompareNormalised() {
        #expect(Vocabulary.normalizeCertification("ISO 9001") == "iso9001")
        #expect(Vocabulary.normalizeCertification("iso-9001") == "iso9001")
        #expect(Vocabulary.normalizeCertification("SOC 2 Type II") == "soc2typeii")
    }
}

@Suite struct JSONParserTests {
    @Test(arguments: ["{", "{\"a\":}", "[1,]", "01", "1.", "\"\\x\"", "{\"a\":1} x", "tru", "\"\\ud800\"", "nan"])
    func rejectsMalformedJSON(text: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(text) }
    }

    @Test func parsesEscapesAndNumbers() throws {
        let v = try JSONParser.parse(#"{"s":"a\"b\\c\n\u00e9\ud83d\ude00","n":-1.5e2,"t":true,"z":null,"a":[1,2]}"#)
        #expect(v["s"] == .string("a\"b\\c\né😀"))
        #expect(v["n"] == .number(-150))
        #expect(v["t"] == .bool(true))
        #expect(v["z"] == .null)
        #expect(try JSONParser.parse(v.serialized()) == v)
    }

    @Test func jsonLinesReportsLineNumbersAndLimits() {
        var bytes = Array("{\"a\":1}\n\n{bad\n".utf8)
        bytes += [0x22, 0xFF, 0x22, 0x0A]
        bytes += Array(repeating: UInt8(ascii: " "), count: 10) + [0x0A]
        var errors: [RecordError] = []
        var lines: [Int] = []
        bytes.withUnsafeBytes { raw in
            JSONLines.forEachLine(in: raw, file: "f.jsonl", onError: { errors.append($0) }) { n, _ in lines.append(n) }
        }
        #expect(lines == [1])
        #expect(errors.map(\.line) == [3, 4])
        #expect(errors[1].reason.contains("UTF-8"))
    }
}
