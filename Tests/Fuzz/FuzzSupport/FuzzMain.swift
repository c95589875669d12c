import CLibFuzzer

/// Runs libFuzzer with `test` as the function under test: the executables' entry point.
///
/// SwiftPM on Linux renames an executable's `main` to `<module>_main` and links `main` to it, so libFuzzer's
/// own `main` is never used; each target's `<module>_main` calls this instead.
public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, test)
}
