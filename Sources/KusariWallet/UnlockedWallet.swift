import KusariCore

/// A decrypted keystore: its phrase, its seed and the keys derived from it.
/// Holds secrets; its `description` names only the wallet.
public struct UnlockedWallet: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The file's non-secret fields.
    public let header: KeystoreHeader
    /// The BIP-39 phrase (rebuilt from the stored entropy).
    public let mnemonic: Mnemonic
    /// The 64-byte BIP-39 seed (with the passphrase, if any, already applied).
    public let seed: [UInt8]

    /// The SLIP-0010 master key of the seed.
    public func masterKey() throws(HDKeyError) -> HDKey {
        try HDKey(seed: seed)
    }

    /// The signing key at `m/44'/9999'/account'/0'/index'`.
    /// - Throws: `HDKeyError.path` for an account or index of 2^31 or more.
    public func keyPair(account: UInt32 = 0, index: UInt32) throws(HDKeyError) -> KeyPair {
        let path: DerivationPath
        do { path = try WalletPath.kusari(account: account, index: index) } catch { throw .path(error) }
        let key = try masterKey().derive(path)
        do { return try key.keyPair() } catch { throw .keyPair(error) }
    }

    /// Names the wallet only: the seed is secret.
    public var description: String { "UnlockedWallet(\(header.name))" }
    /// Same as `description`.
    public var debugDescription: String { description }
}
