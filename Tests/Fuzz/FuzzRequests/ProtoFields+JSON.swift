import Foundation
import FuzzSupport
import SwiftProtobuf
import VendorMatchCore

/// The CONTRACT §2 field names each wire message is read by.
enum RequestKeys {
    static let vendor = [
        "id", "name", "size", "industries", "service_types", "description", "regions", "languages", "certifications",
        "min_project_usd", "hourly_rate_usd", "founded",
    ]
    static let evaluation = ["responsiveness", "communication", "expertise", "on_time", "effectiveness", "would_recommend"]
    static let caseStudy = [
        "id", "vendor_id", "client_industry", "service_types", "client_name", "client_size", "need", "outcome", "year",
        "top_client", "verified", "client_org",
    ]
    static let referral = ["id", "vendor_id", "referrer_type", "referrer_org", "buyer_org", "strength", "date"]
    static let shortlist = [
        "id", "buyer_org", "industry", "size", "need", "service_types", "regions", "languages", "required_certifications",
        "budget_usd", "k", "exclude_vendors",
    ]
    static let caseQuery = ["id", "industry", "size", "service_types", "k"]
}

extension ProtoRecordFields {
    /// The message as a data file's line would spell it: one key per set field.
    func json(_ keys: [String]) -> JSONValue {
        var pairs: [(String, JSONValue)] = []
        for key in keys {
            switch field(key) {
            case nil: continue
            case let .string(s)?: pairs.append((key, .string(s)))
            case let .number(n)?: pairs.append((key, .number(n)))
            case let .integer(i)?: pairs.append((key, .number(Double(i))))
            case let .bool(b)?: pairs.append((key, .bool(b)))
            case let .strings(s)?: pairs.append((key, .array(s.map { .string($0) })))
            case let .numbers(n)?: pairs.append((key, .array(n.map { .number($0) })))
            }
        }
        return .object(pairs)
    }
}

/// A validation's outcome, comparable.
func result<T>(_ body: () throws(FieldError) -> T) -> Result<T, FieldError> {
    do { return .success(try body()) } catch { return .failure(error) }
}

/// Text written by `JSONValue.serialized()` parsed back; it must parse.
func parse(_ text: String) -> JSONValue {
    do {
        return try JSONParser.parse(text)
    } catch {
        fuzzCheck(false, "serialized JSON does not parse (\(error)): \(text)")
        return .null
    }
}

/// A message serialized and decoded again; it must decode.
func decode<M: SwiftProtobuf.Message>(_ type: M.Type, _ message: M) -> M {
    do {
        return try M(serializedBytes: try message.serializedBytes() as [UInt8])
    } catch {
        fuzzCheck(false, "\(M.protoMessageName) does not round-trip: \(error)")
        return message
    }
}
