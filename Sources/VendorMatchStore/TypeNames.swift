import VendorMatchCore

// GRDB also declares a `RecordError`; in this module the name means the data-file error.
typealias RecordError = VendorMatchCore.RecordError
