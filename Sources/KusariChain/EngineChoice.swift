import KusariBFT
import KusariConsensus
import KusariCore

extension Genesis {
    /// The consensus engine this genesis names: proof of work with the network's
    /// parameters, or BFT with the genesis's validator set.
    public func engine() throws(GenesisError) -> any ConsensusEngine {
        switch consensus {
        case .proofOfWork:
            return ProofOfWorkEngine(params: .kusari(network))
        case .bft:
            let made: BFTEngine?
            do { made = try BFTEngine(genesis: self) } catch {
                throw .field("consensus.validators", error.description)
            }
            guard let made else { throw .field("consensus", "not a BFT genesis") }
            return made
        }
    }
}
