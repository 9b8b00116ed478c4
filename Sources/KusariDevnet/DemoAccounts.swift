import KusariChain
import KusariConsensus
import KusariCore
import KusariWallet

/// The devnet's ten demo accounts and the genesis that funds them.
///
/// The keys come from a fixed, published BIP-39 phrase, as Hardhat's and Anvil's do:
/// `test test test test test test test test test test test junk` (no passphrase),
/// at Kusari's wallet paths `m/44'/9999'/0'/0'/i'` for i = 0...9, so that
/// `kusari wallet import` with the same phrase holds the same ten addresses.
/// **Everyone knows these keys**: never send anything of value to them.
public enum DemoAccounts {
    /// The published phrase.
    public static let phrase = "test test test test test test test test test test test junk"
    /// How many accounts the devnet funds.
    public static let count = 10
    /// Each demo account's balance at genesis: 10,000 KSR.
    public static let balance: UInt64 = 10_000 * Amount.unitsPerKSR

    /// One demo account.
    public struct Account: Sendable {
        /// Its position, 0 to 9.
        public let index: Int
        /// Its derivation path, `m/44'/9999'/0'/0'/index'`.
        public let path: String
        /// Its signing key.
        public let key: KeyPair
        /// Its devnet address.
        public var address: Address { key.address(on: .devnet) }
    }

    /// Derives the ten accounts from the phrase (a few milliseconds: one PBKDF2 and ten SLIP-0010 paths).
    public static func derive() throws(DevnetError) -> [Account] {
        do {
            let seed = try Mnemonic(phrase: phrase).seed()
            let master = try HDKey(seed: seed)
            var accounts: [Account] = []
            for i in 0..<count {
                let path = try WalletPath.kusari(account: 0, index: UInt32(i))
                accounts.append(Account(index: i, path: path.description, key: try master.derive(path).keyPair()))
            }
            return accounts
        } catch {
            throw DevnetError("demo-accounts", "cannot derive them from the phrase: \(error)")
        }
    }

    /// The key of BFT validator `n` (node `n`) of a devnet: from the public seed
    /// SHA-256("kusari devnet validator N"), like the faucet's, so that a devnet's genesis is
    /// the same on every run. Public: for a devnet on one machine only.
    public static func validatorKey(_ n: Int) -> KeyPair {
        (try? KeyPair(seed: Hash256.sha256(Array("kusari devnet validator \(n)".utf8)).bytes)) ?? KeyPair()
    }

    /// The devnet genesis: the built-in devnet's parameters (chain id, timestamp,
    /// difficulty), its faucet as before (so `kusari keys devnet-faucet` works on
    /// the devnet), and the ten demo accounts.
    /// With `validators` above 0, a BFT genesis whose validators are
    /// `validatorKey(1...validators)`, power 10 each.
    public static func genesis(accounts: [Account], validators: Int = 0) throws(DevnetError) -> Genesis {
        let base: Genesis
        do { base = try DevnetGenesis.genesis } catch { throw DevnetError("genesis", error.description) }
        let demo = accounts.map { Genesis.Allocation(address: $0.address.string, amount: balance) }
        do {
            guard validators > 0 else {
                return try Genesis(network: .devnet, chainId: base.chainId, timestamp: base.timestamp, bits: base.bits,
                                   allocations: base.allocations + demo)
            }
            let set = (1...validators).map { GenesisValidator(publicKey: validatorKey($0).publicKey, power: 10) }
            return try Genesis(network: .devnet, chainId: base.chainId, timestamp: base.timestamp, bits: 0,
                               allocations: base.allocations + demo, consensus: .bft(validators: set))
        } catch {
            throw DevnetError("genesis", error.description)
        }
    }
}
