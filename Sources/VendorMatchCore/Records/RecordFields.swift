/// The fields of one incoming record, however it arrived: a JSON object of a data file
/// (`FieldReader`) or a protobuf message off the wire. `RecordCodec` validates through this, so the
/// importer and the wire accept exactly the same records and name the same fields in their errors.
///
/// Every accessor takes the field's name as CONTRACT §2 spells it; an absent field is nil (an empty
/// array for `stringArray`), a present one of another type a `FieldError` naming it. Typed sources
/// (protobuf) never have the wrong type, so they only ever answer values or nil.
public protocol RecordFields {
    /// A nested object's fields (`evaluation`).
    associatedtype Nested: RecordFields

    func string(_ key: String) throws(FieldError) -> String?
    func number(_ key: String) throws(FieldError) -> Double?
    /// A number that must be a whole one.
    func integer(_ key: String) throws(FieldError) -> Int?
    func bool(_ key: String) throws(FieldError) -> Bool?
    func stringArray(_ key: String) throws(FieldError) -> [String]
    func numberArray(_ key: String) throws(FieldError) -> [Double]?
    func object(_ key: String) throws(FieldError) -> Nested?
}

extension RecordFields {
    /// A string that must be there.
    public func requiredString(_ key: String) throws(FieldError) -> String {
        guard let s = try string(key) else { throw FieldError(field: key, reason: "missing required field") }
        return s
    }

    /// A string that must be there and not be empty: an identifier.
    public func requiredID(_ key: String) throws(FieldError) -> String {
        let s = try requiredString(key)
        guard !s.isEmpty else { throw FieldError(field: key, reason: "must not be empty") }
        return s
    }
}
