import KusariCore

/// Why staking refused a transaction (the receipt's failure). Each names the field at fault.
public enum StakingError: Error, Equatable, CustomStringConvertible {
    case validatorExists(AddressPayload)
    case consensusKeyTaken(PublicKey)
    case commissionTooHigh(bps: UInt16, maximum: UInt16)
    case selfBondTooSmall(amount: UInt64, minimum: UInt64)
    case insufficientBalance(has: UInt64, needs: UInt64)
    case noSuchValidator(AddressPayload)
    case tombstoned(AddressPayload)
    case noDelegation(validator: AddressPayload)
    case moreThanDelegated(amount: UInt64, delegated: UInt64)
    case tooSmall(String)
    case tooLarge(String)
    case notOperator(AddressPayload)
    case notJailed(AddressPayload)
    case stillJailed(until: UInt64)
    case commissionChangeTooLarge(from: UInt16, to: UInt16, maximum: UInt16)
    case commissionChangeTooSoon(next: UInt64)
    case redelegationMaturing(validator: AddressPayload, until: UInt64)

    public var description: String {
        switch self {
        case .validatorExists(let v): return "sender: \(v) is already a validator"
        case .consensusKeyTaken(let k): return "consensusKey: \(k) is already a validator's consensus key"
        case .commissionTooHigh(let b, let m): return "commissionBps: \(b) is above this chain's maximum of \(m)"
        case .selfBondTooSmall(let a, let m):
            return "selfBond: \(Amount.format(a)) KSR is below the minimum self-bond of \(Amount.format(m)) KSR"
        case .insufficientBalance(let h, let n):
            return "amount: balance \(Amount.format(h)) KSR does not cover \(Amount.format(n)) KSR"
        case .noSuchValidator(let v): return "validator: no validator \(v) on this chain"
        case .tombstoned(let v): return "validator: \(v) was removed for double signing"
        case .noDelegation(let v): return "validator: the sender has no stake with \(v)"
        case .moreThanDelegated(let a, let d):
            return "amount: \(Amount.format(a)) KSR is more than the \(Amount.format(d)) KSR delegated"
        case .tooSmall(let what): return "amount: \(what)"
        case .tooLarge(let what): return "amount: \(what)"
        case .notOperator(let v): return "validator: only the operator of \(v) may do this"
        case .notJailed(let v): return "validator: \(v) is not jailed"
        case .stillJailed(let until): return "validator: jailed until height \(until)"
        case .commissionChangeTooLarge(let f, let t, let m):
            return "commissionBps: a change from \(f) to \(t) is more than \(m) basis points"
        case .commissionChangeTooSoon(let next): return "commissionBps: the commission may change again from height \(next)"
        case .redelegationMaturing(let v, let until):
            return "source: stake redelegated to \(v) cannot move on before height \(until)"
        }
    }
}
