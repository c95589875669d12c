import VendorMatchRanking

/// The MiniLM encoder is the ranker's semantic need channel.
extension MiniLMEncoder: DenseNeedEncoder {}
