import KusariCore

/// Kusari's proof of work: a block id (SHA-256d of the header), read as a
/// big-endian number, must not exceed the target its `bits` encode; `bits`
/// follow Bitcoin's retargeting every `retargetWindow` blocks; a timestamp must
/// be after the median of the last 11 and not too far ahead of the clock; the
/// branch with the most cumulative work wins.
public struct ProofOfWorkEngine: ConsensusEngine {
    public let params: PowParameters

    public init(params: PowParameters) { self.params = params }

    public func nextBits(context: HeaderContext) throws(ConsensusError) -> UInt32 {
        let parent = context.parent
        let height = parent.height + 1
        guard height <= UInt64(Int.max), params.isRetargetHeight(Int(height)) else { return parent.bits }
        let firstHeight = UInt64(params.retargetWindowStart(forRetargetAt: Int(height)))
        guard let first = context.ancestor(firstHeight) else { throw .missingAncestor(height: firstHeight) }
        guard let firstTime = Int64(exactly: first.timestamp), let lastTime = Int64(exactly: parent.timestamp) else {
            throw .timestampOutOfRange(max(first.timestamp, parent.timestamp))
        }
        do {
            return try Retarget.nextBits(lastRetargetTime: firstTime, lastBlockTime: lastTime,
                                         lastBits: parent.bits, params: params)
        } catch { throw .badBits(error) }
    }

    public func minimumTimestamp(context: HeaderContext) -> UInt64 {
        let times = context.recentTimestamps(BlockTime.medianTimeSpan).map { Int64(clamping: $0) }
        return UInt64(clamping: (BlockTime.medianTimePast(times) ?? 0)) + 1
    }

    public func checkStandalone(_ header: BlockHeader) throws(ConsensusError) {
        guard header.version == BlockHeader.currentVersion else { throw .unsupportedVersion(header.version) }
        do { _ = try ProofOfWork.check(bigEndianHash: header.id.bytes, bits: header.bits, powLimit: params.powLimit) } catch {
            throw .proofOfWork(error)
        }
    }

    public func validate(_ header: BlockHeader, context: HeaderContext) throws(ConsensusError) {
        let parent = context.parent
        guard header.height == parent.height + 1 else { throw .wrongHeight(expected: parent.height + 1, found: header.height) }
        guard header.previousId == parent.id else { throw .wrongParent }
        try checkStandalone(header)
        let expected = try nextBits(context: context)
        guard header.bits == expected else { throw .wrongBits(expected: expected, found: header.bits) }
        guard let time = Int64(exactly: header.timestamp), let now = Int64(exactly: context.now) else {
            throw .timestampOutOfRange(header.timestamp)
        }
        let previous = context.recentTimestamps(BlockTime.medianTimeSpan).map { Int64(clamping: $0) }
        do { try BlockTime.check(time: time, previousTimestamps: previous, now: now, params: params) } catch {
            throw .time(error)
        }
    }

    public func weight(of header: BlockHeader) -> UInt256 {
        (try? ChainWork.work(bits: header.bits)) ?? .zero
    }

    public func prefers(_ candidate: UInt256, over current: UInt256) -> Bool { candidate > current }

    public func seal(_ header: BlockHeader, shouldStop: () -> Bool) -> BlockHeader? {
        guard let target = try? ProofOfWork.target(bits: header.bits, powLimit: params.powLimit) else { return nil }
        var bytes = header.encoded
        var nonce = header.nonce
        while true {
            for i in 0..<8 { bytes[BlockHeader.nonceOffset + i] = UInt8(truncatingIfNeeded: nonce >> UInt64(56 - 8 * i)) }
            if ProofOfWork.meetsTarget(bigEndianHash: Hash256.sha256d(bytes).bytes, target: target) {
                var sealed = header
                sealed.nonce = nonce
                return sealed
            }
            nonce &+= 1
            if nonce & 0xfff == 0 && shouldStop() { return nil }
            if nonce == header.nonce { return nil }   // every nonce tried
        }
    }
}

extension PowParameters {
    /// The parameters of a Kusari network.
    public static func kusari(_ network: Network) -> PowParameters {
        switch network {
        case .main: return .kusariMain
        case .test: return .kusariTest
        case .devnet: return .kusariDevnet
        }
    }
}
