#if canImport(Glibc)
import Glibc
#endif
import Foundation
import VendorMatchCore

/// XGBoost's C API (Debian's `libxgboost-dev`), opened at run time so that serving needs no system
/// package: only `train` and the tests that compare against it load the library.
public final class XGBoost: @unchecked Sendable {
    public typealias Handle = UnsafeMutableRawPointer

    private typealias CreateFromMat = @convention(c) (UnsafePointer<Float>?, UInt64, UInt64, Float, UnsafeMutablePointer<Handle?>?) -> Int32
    private typealias SetFloatInfo = @convention(c) (Handle?, UnsafePointer<CChar>?, UnsafePointer<Float>?, UInt64) -> Int32
    private typealias SetUIntInfo = @convention(c) (Handle?, UnsafePointer<CChar>?, UnsafePointer<UInt32>?, UInt64) -> Int32
    private typealias Free = @convention(c) (Handle?) -> Int32
    private typealias BoosterCreate = @convention(c) (UnsafePointer<Handle?>?, UInt64, UnsafeMutablePointer<Handle?>?) -> Int32
    private typealias SetParam = @convention(c) (Handle?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32
    private typealias UpdateOneIter = @convention(c) (Handle?, Int32, Handle?) -> Int32
    private typealias SaveToBuffer = @convention(c) (Handle?, UnsafePointer<CChar>?, UnsafeMutablePointer<UInt64>?,
                                                     UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32
    private typealias LoadFromBuffer = @convention(c) (Handle?, UnsafeRawPointer?, UInt64) -> Int32
    private typealias Predict = @convention(c) (Handle?, Handle?, Int32, UInt32, Int32, UnsafeMutablePointer<UInt64>?,
                                                UnsafeMutablePointer<UnsafePointer<Float>?>?) -> Int32
    private typealias LastError = @convention(c) () -> UnsafePointer<CChar>?

    private let createFromMat: CreateFromMat, setFloatInfo: SetFloatInfo, setUIntInfo: SetUIntInfo
    private let dmatrixFree: Free, boosterFree: Free, boosterCreate: BoosterCreate, setParam: SetParam
    private let updateOneIter: UpdateOneIter, saveToBuffer: SaveToBuffer, loadFromBuffer: LoadFromBuffer
    private let predictC: Predict, lastError: LastError

    /// The library names tried, in order.
    public static let libraryNames = ["libxgboost.so", "libxgboost.so.0", "libxgboost.so.1.7.4", "libxgboost.so.1.6.0"]

    /// Opens the library; the error says which package to install.
    public static func load() throws(VMError) -> XGBoost {
        var handle: UnsafeMutableRawPointer? = nil
        for name in libraryNames {
            handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)
            if handle != nil { break }
        }
        guard let handle else {
            throw VMError(.unavailable, "training needs XGBoost's C library (libxgboost.so), which is not installed; "
                + "install it with: apt-get install -y libxgboost-dev")
        }
        func symbol<T>(_ name: String, _: T.Type) throws(VMError) -> T {
            guard let p = dlsym(handle, name) else { throw VMError(.unavailable, "libxgboost has no \(name)") }
            return unsafeBitCast(p, to: T.self)
        }
        return XGBoost(
            createFromMat: try symbol("XGDMatrixCreateFromMat", CreateFromMat.self),
            setFloatInfo: try symbol("XGDMatrixSetFloatInfo", SetFloatInfo.self),
            setUIntInfo: try symbol("XGDMatrixSetUIntInfo", SetUIntInfo.self),
            dmatrixFree: try symbol("XGDMatrixFree", Free.self), boosterFree: try symbol("XGBoosterFree", Free.self),
            boosterCreate: try symbol("XGBoosterCreate", BoosterCreate.self), setParam: try symbol("XGBoosterSetParam", SetParam.self),
            updateOneIter: try symbol("XGBoosterUpdateOneIter", UpdateOneIter.self),
            saveToBuffer: try symbol("XGBoosterSaveModelToBuffer", SaveToBuffer.self),
            loadFromBuffer: try symbol("XGBoosterLoadModelFromBuffer", LoadFromBuffer.self),
            predictC: try symbol("XGBoosterPredict", Predict.self), lastError: try symbol("XGBGetLastError", LastError.self))
    }

    private init(createFromMat: CreateFromMat, setFloatInfo: SetFloatInfo, setUIntInfo: SetUIntInfo, dmatrixFree: Free,
                 boosterFree: Free, boosterCreate: BoosterCreate, setParam: SetParam, updateOneIter: UpdateOneIter,
                 saveToBuffer: SaveToBuffer, loadFromBuffer: LoadFromBuffer, predictC: Predict, lastError: LastError) {
        self.createFromMat = createFromMat; self.setFloatInfo = setFloatInfo; self.setUIntInfo = setUIntInfo
        self.dmatrixFree = dmatrixFree; self.boosterFree = boosterFree; self.boosterCreate = boosterCreate
        self.setParam = setParam; self.updateOneIter = updateOneIter; self.saveToBuffer = saveToBuffer
        self.loadFromBuffer = loadFromBuffer; self.predictC = predictC; self.lastError = lastError
    }

    private func check(_ code: Int32, _ what: String) throws(VMError) {
        guard code != 0 else { return }
        let message = lastError().map { String(cString: $0) } ?? "unknown error"
        throw VMError(.internalError, "XGBoost \(what) failed: \(message)")
    }

    private func matrix(_ values: [Float], columns: Int) throws(VMError) -> Handle {
        var out: Handle? = nil
        let rows = columns == 0 ? 0 : values.count / columns
        let code = values.withUnsafeBufferPointer { createFromMat($0.baseAddress, UInt64(rows), UInt64(columns), .nan, &out) }
        try check(code, "XGDMatrixCreateFromMat")
        return out!
    }

    /// Trains a booster on a row-major matrix (NaN = missing), with one label per row and the row
    /// counts of consecutive groups (requests); returns the model as XGBoost JSON. With `start` (an XGBoost
    /// JSON model of `startRounds` rounds) the new rounds continue that model: the result holds its trees first.
    public func train(features: [Float], columns: Int, labels: [Float], groups: [UInt32], parameters: [(String, String)],
                      rounds: Int, start: Data? = nil, startRounds: Int = 0, progress: ((Int) -> Void)? = nil) throws(VMError) -> Data {
        let dtrain = try matrix(features, columns: columns)
        defer { _ = dmatrixFree(dtrain) }
        try check(labels.withUnsafeBufferPointer { setFloatInfo(dtrain, "label", $0.baseAddress, UInt64($0.count)) }, "set labels")
        if !groups.isEmpty {
            try check(groups.withUnsafeBufferPointer { setUIntInfo(dtrain, "group", $0.baseAddress, UInt64($0.count)) }, "set groups")
        }
        var booster: Handle? = nil
        let handles: [Handle?] = [dtrain]
        try check(handles.withUnsafeBufferPointer { boosterCreate($0.baseAddress, 1, &booster) }, "XGBoosterCreate")
        defer { _ = boosterFree(booster) }
        if let start {
            try check(start.withUnsafeBytes { loadFromBuffer(booster, $0.baseAddress, UInt64($0.count)) }, "load the starting model")
        }
        for (name, value) in parameters { try check(setParam(booster, name, value), "set \(name)=\(value)") }
        for i in 0..<rounds {
            try check(updateOneIter(booster, Int32(startRounds + i), dtrain), "round \(startRounds + i)")
            progress?(i + 1)
        }
        return try save(booster!)
    }

    private func save(_ booster: Handle) throws(VMError) -> Data {
        var length: UInt64 = 0
        var bytes: UnsafePointer<CChar>? = nil
        try check(saveToBuffer(booster, "{\"format\": \"json\"}", &length, &bytes), "save model")
        return Data(bytes: bytes!, count: Int(length))
    }

    /// XGBoost's own predictions of a JSON model: margins, or with `contributions` the exact SHAP values
    /// (`columns + 1` per row, the bias last).
    public func predict(model: Data, features: [Float], columns: Int, contributions: Bool = false) throws(VMError) -> [Float] {
        var booster: Handle? = nil
        try check(boosterCreate(nil, 0, &booster), "XGBoosterCreate")
        defer { _ = boosterFree(booster) }
        try check(model.withUnsafeBytes { loadFromBuffer(booster, $0.baseAddress, UInt64($0.count)) }, "load model")
        let dmat = try matrix(features, columns: columns)
        defer { _ = dmatrixFree(dmat) }
        var length: UInt64 = 0
        var result: UnsafePointer<Float>? = nil
        // Option 1 = output margin; 4 = exact contributions.
        try check(predictC(booster, dmat, contributions ? 4 : 1, 0, 0, &length, &result), "predict")
        return Array(UnsafeBufferPointer(start: result, count: Int(length)))
    }
}
