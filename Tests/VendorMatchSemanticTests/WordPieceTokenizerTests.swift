import Testing
@testable import VendorMatchSemantic

@Suite struct WordPieceTokenizerTests {
    let tokenizer = sharedEncoder.tokenizer

    @Test func fixtureHoldsEnoughHardCases() {
        #expect(tokenCases.count >= 200)
    }

    @Test(arguments: tokenCases)
    func idsEqualHuggingFaceTokenizer(_ reference: ReferenceCase) {
        let ids = tokenizer.encode(reference.text).map(Int.init)
        #expect(ids == reference.numbers.map { Int($0) })
    }

    @Test func wrapsInClassifierAndSeparator() {
        #expect(tokenizer.encode("") == [101, 102])
        #expect(tokenizer.encode("hello") == [101, 7592, 102])
    }

    @Test func truncatesToTheTokenLimit() {
        let ids = tokenizer.encode(String(repeating: "data ", count: 1000))
        #expect(ids.count == 256)
        #expect(ids.first == 101 && ids.last == 102)
        #expect(tokenizer.encode(String(repeating: "data ", count: 1000), maxTokens: 10).count == 10)
    }

    @Test func wordsOverOneHundredCharactersAreUnknown() {
        #expect(tokenizer.encode(String(repeating: "a", count: 101)) == [101, 100, 102])
    }

    @Test func specialTokensInTheTextStayWhole() {
        #expect(tokenizer.encode("[MASK]") == [101, 103, 102])
        #expect(tokenizer.encode("[mask]") != [101, 103, 102])
    }
}
