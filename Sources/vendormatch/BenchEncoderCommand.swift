import ArgumentParser
import Foundation
import VendorMatchCore
import VendorMatchRanking
import VendorMatchSemantic

struct BenchEncoderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-encoder",
        abstract: "Measures the MiniLM sentence encoder: model load, one need's latency, bulk throughput.",
        discussion: """
        Runs on the calling thread only (OpenBLAS set to one thread). Build in release to measure:
          swift build -c release --product vendormatch
          .build/release/vendormatch bench-encoder --case-studies market/case_studies.jsonl
        Tools/bench_encoder.sh runs this beside PyTorch on one thread and prints both.
        """
    )

    /// 40 tokens with [CLS] and [SEP] (the same sentence as Tools/bench_encoder_torch.py).
    static let fortyTokenNeed = "We need a partner to migrate our on-premise Oracle data warehouse to Snowflake on AWS, rebuild the nightly ETL jobs and deliver Power BI dashboards for our finance team."

    @OptionGroup var global: GlobalOptions

    @Option(help: "Timed encodings of the 40-token need (after 20 warm-up runs).") var iterations = 300
    @Option(help: "Model loads to time.") var loads = 5
    @Option(help: "JSON Lines of case studies whose `need` texts measure bulk throughput.") var caseStudies: String?
    @Option(help: "At most this many case-study texts.") var limit = 1000
    @Option(help: "JSON Lines of (need, match, mismatch) triples: report pairwise accuracy of lexical, semantic, hybrid.")
    var paraphrases: String?
    @Option(help: "Matrix products: automatic, blas, half-precision-kernel, bfloat16-kernel or int16-kernel.") var backend = "automatic"
    @Option(help: "JSON Lines of reference vectors ({text, embedding} or {text, f32le}, as in Tests/VendorMatchSemanticTests/Fixtures): report the lowest and median cosine to them.")
    var fixture: String?
    @Option(help: "With --case-studies: rounds of bulk throughput, each encoding the distinct texts with every kernel this CPU runs (half-precision, int16, bfloat16; the automatic one among them), on 1 and 2 threads, interleaved.")
    var throughputRounds = 0
    @Flag(help: "Machine output: one JSON object.") var json = false

    func run() async throws {
        do {
            let modelsDirectory = try ModelsDirectory.locate(explicit: global.models)
            let chosen: MiniLMEncoder.Backend
            if backend == "automatic" {
                chosen = .automatic
            } else if let named = MiniLMEncoder.Backend(rawValue: backend) {
                chosen = named
            } else {
                throw VMError(.invalidInput, "--backend \(backend): expected automatic, blas, half-precision-kernel, bfloat16-kernel or int16-kernel", field: "backend")
            }
            var loadTimes: [Double] = []
            var encoder: MiniLMEncoder?
            for _ in 0..<max(1, loads) {
                let start = ContinuousClock.now
                encoder = try MiniLMEncoder(modelsDirectory: modelsDirectory, backend: chosen)
                loadTimes.append((ContinuousClock.now - start).milliseconds)
            }
            guard let encoder else { return }

            let tokens = encoder.tokenizer.encode(Self.fortyTokenNeed)
            for _ in 0..<20 { _ = encoder.embed(tokens: tokens) }
            var latencies: [Double] = []
            latencies.reserveCapacity(iterations)
            for _ in 0..<max(1, iterations) {
                let start = ContinuousClock.now
                _ = encoder.embed(tokens: tokens)
                latencies.append((ContinuousClock.now - start).milliseconds)
            }
            let tokenizeStart = ContinuousClock.now
            for _ in 0..<100 { _ = encoder.tokenizer.encode(Self.fortyTokenNeed) }
            let tokenizeMs = (ContinuousClock.now - tokenizeStart).milliseconds / 100

            var result: [(String, JSONValue)] = [
                ("backend", .string(encoder.backend.rawValue)),
                ("load_ms_min", .number(round3(loadTimes.min()!))),
                ("load_ms_median", .number(round3(percentile(loadTimes, 0.5)))),
                ("need_tokens", .number(Double(tokens.count))),
                ("tokenize_ms", .number(round3(tokenizeMs))),
                ("encode_ms_p50", .number(round3(percentile(latencies, 0.5)))),
                ("encode_ms_p99", .number(round3(percentile(latencies, 0.99)))),
                ("encode_ms_min", .number(round3(latencies.min()!))),
                ("encode_ms_mean", .number(round3(latencies.reduce(0, +) / Double(latencies.count)))),
                ("iterations", .number(Double(latencies.count))),
            ]
            if let caseStudies {
                let texts = try readNeeds(caseStudies, limit: limit)
                let tokenLists = texts.map { encoder.tokenizer.encode($0) }
                let start = ContinuousClock.now
                for text in texts { _ = encoder.embed(tokens: encoder.tokenizer.encode(text)) }
                let seconds = (ContinuousClock.now - start).seconds
                let batchedStart = ContinuousClock.now
                _ = encoder.embed(texts)
                let batchedSeconds = (ContinuousClock.now - batchedStart).seconds
                let totalTokens = tokenLists.reduce(0) { $0 + $1.count }
                result += [
                    ("bulk_texts", .number(Double(texts.count))),
                    ("bulk_mean_tokens", .number(round3(Double(totalTokens) / Double(max(texts.count, 1))))),
                    ("bulk_texts_per_s", .number(round3(Double(texts.count) / seconds))),
                    ("bulk_tokens_per_s", .number(round3(Double(totalTokens) / seconds))),
                    ("bulk_batched_texts_per_s", .number(round3(Double(texts.count) / batchedSeconds))),
                ]
            }
            if let caseStudies, throughputRounds > 0 {
                result += try throughput(caseStudies, automatic: encoder, modelsDirectory: modelsDirectory)
            }
            if let fixture {
                result += try fixtureAgreement(fixture, encoder: encoder)
            }
            if let paraphrases {
                result += try pairwiseAccuracy(paraphrases, encoder: encoder, modelsDirectory: modelsDirectory)
            }
            if json {
                print(JSONValue.object(result).serialized())
            } else {
                for (key, value) in result { print("\(key): \(value.serialized())") }
            }
        } catch {
            exitWith(error)
        }
    }

    /// Interleaved rounds: every kernel this CPU runs (half-precision, int16, bfloat16) and the
    /// automatic backend, each on 1 and 2 threads, over the same distinct texts; texts per wall-clock
    /// second (median and best round) and per CPU second (process CPU time, less sensitive to other load).
    private func throughput(_ path: String, automatic: MiniLMEncoder, modelsDirectory: URL) throws -> [(String, JSONValue)] {
        var seen = Set<String>()
        let texts = try readNeeds(path, limit: limit).filter { seen.insert($0).inserted }
        // Every kernel this CPU runs, the automatic one last (CPUs differ: which is fastest is measured here).
        var encoders: [(String, MiniLMEncoder)] = []
        for backend in MiniLMEncoder.Backend.kernels.reversed() where backend.isSupported && backend != automatic.backend {
            encoders.append((backend.rawValue, try MiniLMEncoder(modelsDirectory: modelsDirectory, backend: backend)))
        }
        encoders.append((automatic.backend.rawValue, automatic))
        var wall: [String: [Double]] = [:]
        var cpu: [String: [Double]] = [:]
        var order: [String] = []
        for _ in 0..<throughputRounds {
            for (name, encoder) in encoders {
                for threads in [1, 2] {
                    let key = "\(name)_\(threads)t"
                    if wall[key] == nil { order.append(key) }
                    let cpuStart = Self.processCPUSeconds()
                    let start = ContinuousClock.now
                    _ = encoder.embed(texts, threads: threads)
                    let seconds = (ContinuousClock.now - start).seconds
                    let cpuSeconds = Self.processCPUSeconds() - cpuStart
                    wall[key, default: []].append(Double(texts.count) / seconds)
                    cpu[key, default: []].append(Double(texts.count) / cpuSeconds)
                }
            }
        }
        var out: [(String, JSONValue)] = [("throughput_texts", .number(Double(texts.count))), ("throughput_rounds", .number(Double(throughputRounds)))]
        for key in order {
            out.append(("texts_per_s_\(key)_median", .number(round3(percentile(wall[key]!, 0.5)))))
            out.append(("texts_per_s_\(key)_best", .number(round3(wall[key]!.max()!))))
            out.append(("texts_per_cpu_s_\(key)_median", .number(round3(percentile(cpu[key]!, 0.5)))))
        }
        let sample = Array(texts.prefix(500))
        let reference = automatic.embed(sample, threads: 2)
        for (name, encoder) in encoders.dropLast() {
            let cosines = zip(reference, encoder.embed(sample, threads: 2)).map { Double(MiniLMEncoder.similarity($0, $1)) }
            out.append(("lowest_cosine_automatic_vs_\(name)", .number(cosines.min() ?? 1)))
        }
        return out
    }

    /// User plus system CPU time of this process.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    private func readNeeds(_ path: String, limit: Int) throws -> [String] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw VMError(.io, "cannot read \(path)", cause: error)
        }
        var texts: [String] = []
        var failure: RecordError?
        data.withUnsafeBytes { bytes in
            JSONLines.forEachLine(in: bytes, file: path, onError: { failure = failure ?? $0 }) { line, value in
                guard texts.count < limit else { return }
                if case let .string(need)? = value["need"] {
                    texts.append(need)
                } else if value["need"] != nil, failure == nil {
                    // A case study without a need has nothing to encode.
                    failure = RecordError(file: path, line: line, field: "need", reason: "must be a string")
                }
            }
        }
        if let failure { throw failure }
        return texts
    }

    /// A fixture line's reference vector: `embedding` (JSON numbers, `embeddings.jsonl`) or `f32le` (base64
    /// of little-endian float32, exactly as computed: `embeddings-1000.jsonl`).
    static func referenceVector(_ value: JSONValue) -> [Double]? {
        if case let .array(items)? = value["embedding"] {
            return items.map { item -> Double in
                if case let .number(v) = item { return v }
                return .nan
            }
        }
        guard case let .string(blob)? = value["f32le"] else { return nil }
        return Float32Base64.decode(blob)?.map(Double.init)
    }

    /// The lowest and median cosine between this build's embeddings and reference ones.
    private func fixtureAgreement(_ path: String, encoder: MiniLMEncoder) throws -> [(String, JSONValue)] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw VMError(.io, "cannot read \(path)", cause: error)
        }
        var cosines: [Double] = []
        var failure: RecordError?
        data.withUnsafeBytes { bytes in
            JSONLines.forEachLine(in: bytes, file: path, onError: { failure = failure ?? $0 }) { line, value in
                guard case let .string(text)? = value["text"], let reference = Self.referenceVector(value) else {
                    failure = failure ?? RecordError(file: path, line: line, field: "embedding",
                                                     reason: "needs text and embedding (numbers) or f32le (base64 of little-endian float32)")
                    return
                }
                let vector = encoder.embed(tokens: encoder.tokenizer.encode(text))
                var dot = 0.0, norm = 0.0
                for (a, b) in zip(vector, reference) {
                    dot += Double(a) * b
                    norm += b * b
                }
                cosines.append(dot / norm.squareRoot())
            }
        }
        if let failure { throw failure }
        guard !cosines.isEmpty else { return [] }
        return [
            ("fixture_sentences", .number(Double(cosines.count))),
            ("fixture_cosine_min", .number((cosines.min()! * 1e7).rounded(.down) / 1e7)),
            ("fixture_cosine_median", .number((percentile(cosines, 0.5) * 1e7).rounded(.down) / 1e7)),
        ]
    }

    /// Share of triples whose matching case study scores above the non-matching one, per channel.
    /// Lexical is the ranking engine's TF-IDF encoder with the triples' case-study texts as its corpus;
    /// hybrid is `α·semantic + (1 − α)·lexical`.
    private func pairwiseAccuracy(_ path: String, encoder: MiniLMEncoder, modelsDirectory: URL) throws -> [(String, JSONValue)] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw VMError(.io, "cannot read \(path)", cause: error)
        }
        var triples: [(need: String, match: String, mismatch: String)] = []
        var failure: RecordError?
        data.withUnsafeBytes { bytes in
            JSONLines.forEachLine(in: bytes, file: path, onError: { failure = failure ?? $0 }) { line, value in
                for field in ["need", "match", "mismatch"] {
                    guard case .string? = value[field] else {
                        failure = failure ?? RecordError(file: path, line: line, field: field, reason: "must be a string")
                        return
                    }
                }
                if case let .string(n)? = value["need"], case let .string(m)? = value["match"],
                   case let .string(x)? = value["mismatch"] {
                    triples.append((n, m, x))
                }
            }
        }
        if let failure { throw failure }
        var lexical = LexicalNeedEncoder(analyzer: LexicalAnalyzer.load(modelsDirectory: modelsDirectory))
        for t in triples {
            lexical.learn(t.match)
            lexical.learn(t.mismatch)
        }
        func lex(_ a: String, _ b: String) -> Double { Double(lexical.encode(a).dot(lexical.encode(b))) }
        func sem(_ a: String, _ b: String) -> Double {
            Double(zip(encoder.embed(a), encoder.embed(b)).reduce(Float(0)) { $0 + $1.0 * $1.1 })
        }
        let scored = triples.map { t in
            (lexMatch: lex(t.need, t.match), lexOther: lex(t.need, t.mismatch),
             semMatch: sem(t.need, t.match), semOther: sem(t.need, t.mismatch))
        }
        func accuracy(_ alpha: Double) -> Double {
            let wins = scored.filter {
                alpha * $0.semMatch + (1 - alpha) * $0.lexMatch > alpha * $0.semOther + (1 - alpha) * $0.lexOther
            }
            return round3(Double(wins.count) / Double(max(scored.count, 1)))
        }
        var out: [(String, JSONValue)] = [("paraphrase_triples", .number(Double(triples.count)))]
        out.append(("pairwise_lexical", .number(accuracy(0))))
        out.append(("pairwise_semantic", .number(accuracy(1))))
        for alpha in [0.3, 0.5, 0.7, 0.9] {
            out.append(("pairwise_hybrid_\(alpha)", .number(accuracy(alpha))))
        }
        return out
    }

    private func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        let index = min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[index]
    }

    private func round3(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
}
