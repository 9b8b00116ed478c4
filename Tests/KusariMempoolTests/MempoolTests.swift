import Testing
import KusariCore
@testable import KusariMempool

@Suite struct MempoolTests {
    let alice = (try? KeyPair(seed: [UInt8](repeating: 1, count: 32))) ?? KeyPair()
    let bob = (try? KeyPair(seed: [UInt8](repeating: 2, count: 32))) ?? KeyPair()
    let carol = (try? KeyPair(seed: [UInt8](repeating: 3, count: 32))) ?? KeyPair()
    var accounts: [AddressPayload: Account] {
        [AddressPayload(publicKey: alice.publicKey): Account(balance: 1_000_000, nonce: 5),
         AddressPayload(publicKey: bob.publicKey): Account(balance: 1_000_000, nonce: 0)]
    }
    func lookup(_ table: [AddressPayload: Account]) -> (AddressPayload) -> Account { { table[$0] ?? .empty } }

    func tx(_ key: KeyPair, nonce: UInt64, fee: UInt64 = 1_000, amount: UInt64 = 10, chain: UInt32 = 3) throws -> Transaction {
        try Transaction(chainId: chain, key: key, nonce: nonce, to: AddressPayload(publicKey: carol.publicKey),
                        amount: amount, fee: fee)
    }

    @Test func eachRefusalHasItsOwnCode() throws {
        let pool = Mempool(chainId: 3)
        let acct = lookup(accounts)
        func refuse(_ t: Transaction, _ code: String) {
            #expect(throws: MempoolError.self) { try pool.admit(t, account: acct, now: 0) }
            do { _ = try pool.admit(t, account: acct, now: 0) } catch { #expect(error.code == code, "\(error)") }
        }
        refuse(try tx(alice, nonce: 5, chain: 1), "wrong_chain")
        refuse(try tx(alice, nonce: 4), "nonce_too_low")
        refuse(try tx(alice, nonce: 5 + 65), "nonce_too_far_ahead")
        refuse(try tx(alice, nonce: 5, fee: 10), "fee_too_low")
        refuse(try tx(alice, nonce: 5, amount: 999_500), "insufficient_balance")
        var forged = try tx(alice, nonce: 5)
        forged.amount = 11
        refuse(forged, "bad_signature")
        let ok = try tx(alice, nonce: 5)
        _ = try pool.admit(ok, account: acct, now: 0)
        refuse(ok, "already_known")
        refuse(try tx(alice, nonce: 5, fee: 1_050), "replacement_underpriced")
        #expect(pool.count == 1)
    }

    @Test func replacementByFeeAndPendingBalance() throws {
        let pool = Mempool(chainId: 3)
        let acct = lookup(accounts)
        let first = try tx(alice, nonce: 5, fee: 1_000, amount: 400_000)
        _ = try pool.admit(first, account: acct, now: 0)
        let second = try tx(alice, nonce: 6, fee: 1_000, amount: 400_000)
        _ = try pool.admit(second, account: acct, now: 0)
        // A third would overdraw the pending total.
        #expect(throws: MempoolError.insufficientBalance(balance: 1_000_000, needed: 1_003_000)) {
            try pool.admit(try tx(alice, nonce: 7, fee: 1_000, amount: 200_000), account: acct, now: 0)
        }
        // 10% more fee replaces.
        let bumped = try tx(alice, nonce: 5, fee: 1_100, amount: 400_000)
        let admission = try pool.admit(bumped, account: acct, now: 0)
        #expect(admission.replaced == first.id)
        #expect(pool.entry(first.id) == nil)
        #expect(pool.count == 2)
        #expect(pool.pendingNonce(of: AddressPayload(publicKey: alice.publicKey), accountNonce: 5) == 7)
    }

    @Test func templateOrdersByFeeRateWithinNonceOrder() throws {
        let pool = Mempool(chainId: 3)
        let acct = lookup(accounts)
        // Alice: a cheap first transaction, then an expensive one; Bob: medium.
        let a5 = try tx(alice, nonce: 5, fee: 1_000), a6 = try tx(alice, nonce: 6, fee: 9_000)
        let b0 = try tx(bob, nonce: 0, fee: 3_000)
        let gapped = try tx(bob, nonce: 2, fee: 50_000)   // nonce 1 missing: not executable
        for t in [a6, b0, a5, gapped] { _ = try pool.admit(t, account: acct, now: 0) }
        let template = pool.template(account: acct, maxBytes: 1 << 20, maxCount: 100)
        #expect(template.map(\.id) == [b0.id, a5.id, a6.id])
        // The size limit stops a run without breaking nonce order.
        let small = pool.template(account: acct, maxBytes: a5.encoded.count + b0.encoded.count, maxCount: 100)
        #expect(small.map(\.id) == [b0.id, a5.id])
        #expect(pool.template(account: acct, maxBytes: 1 << 20, maxCount: 1).map(\.id) == [b0.id])
    }

    @Test func sizeCapEvictsTheLowestFeeRate() throws {
        var config = Mempool.Config()
        let size = try tx(alice, nonce: 5).encoded.count
        config.maxBytes = size * 2
        let pool = Mempool(chainId: 3, config: config)
        let acct = lookup(accounts)
        let cheap = try tx(bob, nonce: 0, fee: 1_000)
        _ = try pool.admit(cheap, account: acct, now: 0)
        _ = try pool.admit(try tx(alice, nonce: 5, fee: 5_000), account: acct, now: 0)
        let rich = try pool.admit(try tx(alice, nonce: 6, fee: 6_000), account: acct, now: 0)
        #expect(rich.evicted == [cheap.id])
        #expect(pool.bytes <= config.maxBytes)
        // A newcomer paying less than everything held is refused.
        #expect(throws: MempoolError.mempoolFull) { try pool.admit(try tx(bob, nonce: 0, fee: 900), account: acct, now: 0) }
        #expect(pool.count == 2)
    }

    /// Equal fee rates go first come, first served: in a block, and when the pool is
    /// full (a newcomer paying the same as what is held is refused; nothing acknowledged
    /// before it is evicted for it).
    @Test func equalFeesGoFirstComeFirstServed() throws {
        let dave = try KeyPair(seed: [UInt8](repeating: 4, count: 32))
        var table = accounts
        table[AddressPayload(publicKey: dave.publicKey)] = Account(balance: 1_000_000)
        let acct = lookup(table)
        let size = try tx(alice, nonce: 5).encoded.count
        var config = Mempool.Config()
        config.maxBytes = size * 3
        let pool = Mempool(chainId: 3, config: config)
        let first = try tx(bob, nonce: 0), second = try tx(dave, nonce: 0), third = try tx(alice, nonce: 5)
        for t in [first, second, third] { _ = try pool.admit(t, account: acct, now: 0) }
        #expect(pool.template(account: acct, maxBytes: 1 << 20, maxCount: 10).map(\.id) == [first.id, second.id, third.id])
        #expect(pool.all.map(\.id) == [first.id, second.id, third.id])
        #expect(throws: MempoolError.mempoolFull) { try pool.admit(try tx(alice, nonce: 6), account: acct, now: 0) }
        #expect(pool.count == 3 && pool.entry(third.id) != nil)
        // Paying more still gets in, at the cost of the last admitted at the lowest rate.
        let richer = try pool.admit(try tx(alice, nonce: 6, fee: 2_000), account: acct, now: 0)
        #expect(richer.evicted == [second.id])
    }

    @Test func blocksExpiryAndReorganisations() throws {
        var config = Mempool.Config()
        config.expirySeconds = 100
        let pool = Mempool(chainId: 3, config: config)
        var table = accounts
        let a5 = try tx(alice, nonce: 5), a6 = try tx(alice, nonce: 6), b0 = try tx(bob, nonce: 0)
        _ = try pool.admit(a5, account: lookup(table), now: 0)
        _ = try pool.admit(a6, account: lookup(table), now: 0)
        _ = try pool.admit(b0, account: lookup(table), now: 50)
        // A block mined a5: the account nonce moves on and a5 leaves.
        table[AddressPayload(publicKey: alice.publicKey)] = Account(balance: 1_000_000 - a5.totalCost, nonce: 6)
        let r = pool.update(account: lookup(table), now: 60)
        #expect(r.dropped == [a5.id])
        #expect(pool.count == 2)
        // Time passes: a6 (arrived at 0) expires, b0 (at 50) not yet.
        #expect(pool.update(account: lookup(table), now: 120).dropped == [a6.id])
        #expect(pool.entry(b0.id) != nil)
        // The block is disconnected: a5 comes back, and a6 can be sent again.
        table[AddressPayload(publicKey: alice.publicKey)] = Account(balance: 1_000_000, nonce: 5)
        let back = pool.update(account: lookup(table), now: 130, returning: [a5])
        #expect(back.readmitted == [a5.id])
        #expect(pool.entry(a5.id) != nil)
    }
}

extension MempoolTests {
    /// A newcomer refused as the pool is full leaves the pool exactly as it was,
    /// even when it had already pushed another transaction out.
    @Test func refusedNewcomerEvictsNothing() throws {
        var config = Mempool.Config()
        let size = try tx(alice, nonce: 5).encoded.count
        config.maxBytes = size * 2 + 100
        let pool = Mempool(chainId: 3, config: config)
        let acct = lookup(accounts)
        let b0 = try tx(bob, nonce: 0, fee: 1_000), a5 = try tx(alice, nonce: 5, fee: 3_000)
        _ = try pool.admit(b0, account: acct, now: 0)
        _ = try pool.admit(a5, account: acct, now: 0)
        // A large follow-up from alice: bob's (lowest rate) goes first, then it is itself the lowest.
        let big = try Transaction(chainId: 3, key: alice, nonce: 6, to: AddressPayload(publicKey: carol.publicKey), amount: 10,
                                  fee: 2_600, memo: [UInt8](repeating: 1, count: 200))
        #expect(throws: MempoolError.mempoolFull) { try pool.admit(big, account: acct, now: 0) }
        #expect(Set(pool.all.map(\.id)) == [b0.id, a5.id])
        #expect(pool.bytes == size * 2)
    }

    func call(_ key: KeyPair, nonce: UInt64, limit: UInt64, price: UInt64) throws -> Transaction {
        try Transaction(chainId: 3, key: key, nonce: nonce, contract: AddressPayload(publicKey: carol.publicKey),
                        call: ContractInvocation(method: "transfer", input: [1, 2, 3], gas: GasTerms(limit: limit, price: price)))
    }

    /// A contract transaction ranks by its intrinsic gas x gas price, never by its limit x price:
    /// the block's gas cap counts gas used, so a large limit buys no priority.
    @Test func contractTransactionsRankByIntrinsicGasTimesPrice() throws {
        let rich: [AddressPayload: Account] = [AddressPayload(publicKey: alice.publicKey): Account(balance: 10_000_000_000),
                                               AddressPayload(publicKey: bob.publicKey): Account(balance: 10_000_000_000)]
        let pool = Mempool(chainId: 3)
        let acct = lookup(rich)
        let bigLimit = try call(alice, nonce: 0, limit: GasTerms.maxGasLimit, price: 1)   // fee 100,000,000
        let betterPrice = try call(bob, nonce: 0, limit: 50_000, price: 2)               // fee 100,000
        let intrinsic = GasTerms.intrinsic(encodedSize: bigLimit.encodedSize)
        #expect(Mempool.rankingFee(bigLimit) == intrinsic)
        #expect(Mempool.rankingFee(betterPrice) == 2 * GasTerms.intrinsic(encodedSize: betterPrice.encodedSize))
        // A transfer ranks by its fee.
        #expect(Mempool.rankingFee(try tx(alice, nonce: 0, fee: 777)) == 777)
        _ = try pool.admit(bigLimit, account: acct, now: 0)
        _ = try pool.admit(betterPrice, account: acct, now: 0)
        #expect(pool.template(account: acct, maxBytes: 1 << 20, maxCount: 10).map(\.id) == [betterPrice.id, bigLimit.id])
        // Replacement needs 10% more of the ranking fee: a larger limit at the same price is no bump.
        let sameRank = try call(bob, nonce: 0, limit: 5_000_000, price: 2)
        let needed = (Mempool.rankingFee(betterPrice) * 110 + 99) / 100
        #expect(throws: MempoolError.replacementUnderpriced(minimumFee: needed, found: Mempool.rankingFee(sameRank))) {
            try pool.admit(sameRank, account: acct, now: 0)
        }
        #expect(try pool.admit(try call(bob, nonce: 0, limit: 50_000, price: 3), account: acct, now: 0).replaced == betterPrice.id)
        // Eviction drops the lowest ranking fee rate, whatever its limit: room for one of the two.
        var config = Mempool.Config()
        config.maxBytes = bigLimit.encoded.count + betterPrice.encoded.count - 1
        let small = Mempool(chainId: 3, config: config)
        _ = try small.admit(bigLimit, account: acct, now: 0)
        let admitted = try small.admit(betterPrice, account: acct, now: 0)
        #expect(admitted.evicted == [bigLimit.id])
    }
}
