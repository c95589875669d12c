import Testing
import VendorMatchCore

@Suite struct DurationUnitsTests {
    @Test func convertsToTheUnitsThatArePrintedAndPassedOn() {
        let d = Duration.seconds(2) + .microseconds(345_678) + .nanoseconds(9)   // 2.345678009 s
        #expect(d.wholeMilliseconds == 2345)
        #expect(d.wholeNanoseconds == 2_345_678_009)
        #expect(abs(d.seconds - 2.345678009) < 1e-12)
        #expect(abs(d.milliseconds - 2345.678009) < 1e-9)
        #expect(Duration.milliseconds(-1500).wholeMilliseconds == -1500)
        #expect(Duration.zero.seconds == 0)
    }
}
