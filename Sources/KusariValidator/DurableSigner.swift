import Foundation
import KusariBFT
import KusariCore

/// A crash-safe `ConsensusSigner`: `KeyPairSigner`'s double-sign guard (never sign at a
/// height/round/step before the last one; at the same one only the same message, whose
/// first signature is returned again) with the last signed message made durable in
/// the node's data directory (`SignerStateFile`, docs/protocol.md section 17.8) before
/// any new signature is returned. So after a crash and restart, at any moment, the
/// validator still refuses everything that conflicts with what it may have sent.
///
/// **Starting.** A missing state file means the validator has never signed. A state file
/// that exists but cannot be read or trusted (damaged, unknown format, another key or
/// chain) makes `init` throw a `SignerStateError` that names the file and says what to
/// do. This is the one place where refusing to start is right: carrying on as if
/// nothing had been signed is exactly how a validator double-signs (and is slashed),
/// whereas a torn consensus WAL (`ConsensusWAL`) only costs some replay and is cut back
/// automatically.
///
/// **Failing.** When the new state cannot be saved, the signer refuses (returns nil)
/// and keeps the error in `lastError`; its state in memory stays at the last durable
/// one, so a later request at the same height/round/step may be signed (the refused
/// signature never left the process).
///
/// One instance per state file: a class, so that the consensus machine and the driver
/// share it. Thread-safe.
public final class DurableSigner: ConsensusSigner, @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`:
    private var signer: KeyPairSigner
    private var error: SignerStateError?
    /// Where the state is kept.
    public let store: any SignerStateStore

    /// A signer for `key` on `chainID` keeping its state in `dataDirectory`'s
    /// `signer-state.bin`, resuming after what that file records. `timestamp` gives each
    /// new signature its time (milliseconds since the epoch).
    public convenience init(key: KeyPair, chainID: UInt32, dataDirectory: String,
                            timestamp: @escaping @Sendable () -> UInt64) throws(SignerStateError) {
        try self.init(key: key, chainID: chainID, store: SignerStateFile(dataDirectory: dataDirectory),
                      timestamp: timestamp)
    }

    /// A signer for `key` on `chainID` keeping its state in `store`, resuming after
    /// what it holds. Throws when the store holds something that cannot be trusted
    /// (see the type's documentation).
    public init(key: KeyPair, chainID: UInt32, store: any SignerStateStore,
                timestamp: @escaping @Sendable () -> UInt64) throws(SignerStateError) {
        self.store = store
        var signer = KeyPairSigner(key: key, chainID: chainID, timestamp: timestamp)
        if let state = try store.load() {
            guard state.publicKey == key.publicKey, state.chainID == chainID else {
                throw .otherValidator(path: store.location, reason: "it was written for key \(state.publicKey.hex) "
                    + "on chain \(state.chainID); this is key \(key.publicKey.hex) on chain \(chainID)")
            }
            guard state.hasValidSignature else {
                throw .corrupt(path: store.location, reason: "the message it records does not carry this key's signature")
            }
            signer = try Self.resume(signer, at: state, path: store.location)
        }
        self.signer = signer
    }

    /// `signer` with `lastSigned` set to `state`'s message. `KeyPairSigner` takes no
    /// `LastSigned` from outside its module, so the message is signed again, at its own
    /// timestamp: Ed25519 is deterministic, so this gives back exactly the stored
    /// message, which is checked.
    private static func resume(_ signer: KeyPairSigner, at state: SignerState,
                               path: String) throws(SignerStateError) -> KeyPairSigner {
        var s = signer
        let clock = s.timestamp
        switch state.message {
        case .proposal(let p):
            s.timestamp = { p.timestamp }
            let again = s.signProposal(height: p.height, round: p.round, blockID: p.blockID, polRound: p.polRound,
                                       proposerIndex: p.proposerIndex)
            guard again == p else { throw .corrupt(path: path, reason: "its proposal cannot be signed again identically") }
        case .vote(let v):
            s.timestamp = { v.timestamp }
            let again = s.signVote(type: v.type, height: v.height, round: v.round, blockID: v.blockID,
                                   validatorIndex: v.validatorIndex)
            guard again == v else { throw .corrupt(path: path, reason: "its vote cannot be signed again identically") }
        }
        s.timestamp = clock
        return s
    }

    /// The validator's public key.
    public var publicKey: PublicKey { lock.withLock { signer.key.publicKey } }

    /// The last message signed (and durable), or nil before the first.
    public var lastSigned: LastSigned? { lock.withLock { signer.lastSigned } }

    /// The last failure to save the state (each made a signature be withheld), or nil.
    public var lastError: SignerStateError? { lock.withLock { error } }

    public func signProposal(height: UInt64, round: UInt32, blockID: Hash256, polRound: Int,
                             proposerIndex: UInt32) -> Proposal? {
        lock.withLock {
            var next = signer
            guard let proposal = next.signProposal(height: height, round: round, blockID: blockID, polRound: polRound,
                                                   proposerIndex: proposerIndex) else { return nil }
            return commit(next, .proposal(proposal)) ? proposal : nil
        }
    }

    public func signVote(type: VoteType, height: UInt64, round: UInt32, blockID: Hash256?,
                         validatorIndex: UInt32) -> Vote? {
        lock.withLock {
            var next = signer
            guard let vote = next.signVote(type: type, height: height, round: round, blockID: blockID,
                                           validatorIndex: validatorIndex) else { return nil }
            return commit(next, .vote(vote)) ? vote : nil
        }
    }

    /// Makes `next` the signer once its last message is durable (nothing to save when
    /// the message is the one already saved). Returns whether the signature may go out.
    /// Call with the lock held.
    private func commit(_ next: KeyPairSigner, _ message: SignerState.Message) -> Bool {
        guard next.lastSigned != signer.lastSigned else { return true }
        do {
            try store.save(SignerState(chainID: next.chainID, publicKey: next.key.publicKey, message: message))
        } catch {
            self.error = error
            return false
        }
        signer = next
        return true
    }
}
