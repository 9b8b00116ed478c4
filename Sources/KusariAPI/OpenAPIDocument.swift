/// The API's OpenAPI 3.1 document, served at /openapi.yaml. docs/openapi.yaml
/// is the source; a test keeps this copy equal to it and checks real
/// responses against it (scripts/check_openapi.py). Regenerate with scripts/embed-openapi.
enum OpenAPIDocument {
    static let yaml = #"""
openapi: 3.1.0
info:
  title: Kusari node API
  version: 0.1.0
  summary: JSON over HTTP for wallets and explorers, server-sent events, and this document.
  description: |
    The HTTP API of a Kusari node (`kusari node --api HOST:PORT`, default
    `127.0.0.1:8645`).

    Conventions, true of every route:

    * Bodies are JSON (`Content-Type: application/json`) with object keys in
      sorted order. An optional field that has no value is **left out** of the
      object; it is never `null`.
    * Amounts (`balance`, `amount`, `fee`) are integers of base units,
      10^8 base units per KSR, never above the supply cap of 21,000,000 KSR
      (2,100,000,000,000,000 base units).
    * Hashes, ids, keys, signatures and other bytes are lowercase hex in
      responses. Hex in a request path or body may be upper or lower case.
    * Addresses are bech32m: `ksr1...` on main, `ksrt1...` on test and devnet.
      A request path may spell one all-lowercase or all-uppercase; an address
      of another network is refused (`bad_address`).
    * Every error, whatever its status, has the body
      `{"error": {"code": "...", "message": "..."}}` (schema `Error`): `code`
      is a stable machine-readable code and `message` is for people. An
      unknown path is `404` with code `not_found`; a known path asked with a
      method it does not serve is `405` with code `method_not_allowed` and an
      `Allow` header naming the methods it does serve. A request that is not
      well-formed HTTP/1.1 (a bad chunk size, bytes that are not ASCII in the
      request line, a method in lower case, a request line or header over
      80 KiB, more than 1,000 header fields) is `400` `bad_request`, after
      which the node closes the connection. An unexpected failure is `500`
      with code `internal`.
    * `POST` requests are rate limited per client IP (default 600 a minute;
      loopback clients are exempt unless the node runs with
      `--rate-limit-loopback`): past the limit the answer is `429`
      `rate_limited`. `GET` requests have their own limit per client IP
      (default 6,000 a minute, `--read-rate-limit`), with the same exemption.
    * Parameters are read exactly as this document spells them: a value
      outside a parameter's schema (its pattern, enum or bounds) is refused
      with `400`, and every value inside it is accepted. Whole numbers are
      ASCII digits only (no sign), from 0 to 2^64 - 1 unless a narrower
      range is given.
    * Connections: at most 1,000 at once (`--api-max-connections`, lowered to
      fit the open-file limit, whose soft value the node raises to the hard
      one at start) and 128 from one client IP
      (`--api-max-connections-per-client`). When a new connection would pass
      either cap, the node closes the least recently active connection that
      is idle or still sending its request (of that client, for the
      per-client cap); when every connection is busy answering, it closes the
      new one. A connection idle for 60 s is closed.
    * An answer given before the request's body was read (`413`, `429`)
      ends the connection (`Connection: close`): the node reads and discards
      up to 64 MiB more of the body for up to 10 s first, so that a client
      that writes its whole body before reading gets the answer.
servers:
  - url: http://127.0.0.1:8645
    description: A node on this machine, default port.
tags:
  - name: chain
  - name: transactions
  - name: accounts
  - name: mempool
  - name: events
  - name: network
  - name: consensus
    description: |
      BFT consensus (a genesis with `"consensus": {"engine": "bft", ...}`; docs/protocol.md,
      section 17): the commit certificate that made each block final, the validator set
      that votes at a height, evidence of double signing, and the rounds of recent heights
      as this node saw them. On a proof-of-work chain these routes answer `404`.
  - name: contracts
    description: |
      Smart contracts (docs/protocol.md, sections 6.5, 10.5 and 18): a contract's code hash
      and methods, its storage with proofs against the state root, and read-only queries.
      Deploys and calls are transactions, submitted with `POST /v1/txs`.
  - name: exchange
    description: |
      The exchange native to the ledger (docs/protocol.md, section 19): assets beside
      KSR (asset 0), markets per pair, their books, trades and candles, orders, and each
      block's batch auctions (one clearing price per market per block) with their fills
      and curves. Issuing, moving, trading and cancelling are transactions, submitted
      with `POST /v1/txs`; one the tip's state would refuse is answered `422`
      `exchange_refused` with the reason when its sender has nothing pending.
  - name: meta
paths:
  /v1/status:
    get:
      tags: [chain]
      operationId: getStatus
      summary: The node's view of the chain.
      responses:
        "200":
          description: The node's status.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Status"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/blocks:
    get:
      tags: [chain]
      operationId: listBlocks
      summary: Best-chain blocks, newest first.
      description: |
        Blocks of the best chain with heights below `before` (default: all,
        starting at the tip), newest first, at most `limit` of them. Each
        block lists its transactions as ids. When the page is full and more
        blocks may follow, `next` is the height to pass as `before` for the
        next page; it is left out otherwise (and when the last block on the
        page is the genesis block).
      parameters:
        - $ref: "#/components/parameters/BeforeHeight"
        - $ref: "#/components/parameters/Limit"
      responses:
        "200":
          description: A page of blocks.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/BlockList"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "503": {$ref: "#/components/responses/Unavailable"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/blocks/{ref}:
    get:
      tags: [chain]
      operationId: getBlock
      summary: One block, by best-chain height or by id.
      description: |
        `ref` of at most 19 decimal digits is a height on the best chain;
        anything else must be a 64-hex-digit block id, which may name any
        stored block, on the best chain or not. With `txs=full`,
        `transactions` holds whole transaction objects (schema
        `BlockWithTransactions`); otherwise it holds their ids (schema
        `Block`). A block of a BFT chain has a version 2 header with `bft`
        (its proposer and the hashes a light client follows), its parent's
        commit certificate as `lastCommit` (from block 2 on) and its
        `evidence` of double signing (often empty); the commit that made the
        block itself final is at `/v1/blocks/{ref}/commit`.
      parameters:
        - name: ref
          in: path
          required: true
          description: A height (decimal) or a block id (64 hex digits).
          schema:
            anyOf:
              - type: string
                pattern: "^[0-9]{1,19}$"
              - $ref: "#/components/schemas/HashInput"
        - name: txs
          in: query
          required: false
          description: "`full` for whole transactions instead of ids; any other value is refused (`400`)."
          schema:
            type: string
            enum: [full]
      responses:
        "200":
          description: The block.
          content:
            application/json:
              schema:
                anyOf:
                  - $ref: "#/components/schemas/Block"
                  - $ref: "#/components/schemas/BlockWithTransactions"
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NotFound"}
        "503": {$ref: "#/components/responses/Unavailable"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/blocks/{ref}/commit:
    get:
      tags: [consensus]
      operationId: getBlockCommit
      summary: The commit certificate that made a block final (BFT chains).
      description: |
        The precommits stored with the block: those of more than two thirds of
        the voting power for this block in one round (docs/protocol.md, section
        17.6), each with its validator's address and power, the power they add
        up to, the validators whose precommit it lacks (`absent`), and `hex`,
        the commit's canonical encoding (`height u64 ‖ round u32 ‖ block id ‖
        count varuint ‖ count × (validator index u32 ‖ timestamp u64 ‖
        signature)`), which a light client hashes and verifies. It is the one
        the next block carries as its `lastCommit`, or one with more
        precommits (a validator stores the commit it decided on). `404`
        `not_found` for an unknown block, for the genesis (nothing votes on it)
        and on a proof-of-work chain; the message says which.
      parameters:
        - name: ref
          in: path
          required: true
          description: A height (decimal) or a block id (64 hex digits).
          schema:
            anyOf:
              - type: string
                pattern: "^[0-9]{1,19}$"
              - $ref: "#/components/schemas/HashInput"
      responses:
        "200":
          description: The commit certificate.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/CommitCertificate"}
              examples:
                twoValidators:
                  summary: A block of a two-validator chain, committed by both in round 0.
                  value:
                    absent: []
                    blockId: a3e2b7945b6036faa2c361e9527b8b685f83e0a0d84e9b38445fa4df720e83d4
                    height: 27
                    hex: 000000000000001b00000000a3e2b7945b6036faa2c361e9527b8b685f83e0a0d84e9b38445fa4df720e83d40200000000000001a2344f4fe95e94228206d1b20d5470c6f6d31d3b33fa55f7e110e38927c0267f1f6877eda355bbfb7ac317b26fef07322400be7050a91e87adaec9b92b0b99f7f58b376a0800000001000001a2344f4feb7fc5ffdd0233d972523aa80b0be86e749200c3d6df724dcd45872581dee4e7e159b0d7428a8e191bd1cf09518303358526710b14672cc341ab83e3fdbdcf1a03
                    precommits:
                    - power: 10
                      signature: 5e94228206d1b20d5470c6f6d31d3b33fa55f7e110e38927c0267f1f6877eda355bbfb7ac317b26fef07322400be7050a91e87adaec9b92b0b99f7f58b376a08
                      timestamp: 1796173942761
                      validator: ksrt1qq37ehpezwv23quy7xdfydpnk92khde0e5k69ar
                      validatorIndex: 0
                    - power: 10
                      signature: 7fc5ffdd0233d972523aa80b0be86e749200c3d6df724dcd45872581dee4e7e159b0d7428a8e191bd1cf09518303358526710b14672cc341ab83e3fdbdcf1a03
                      timestamp: 1796173942763
                      validator: ksrt1qtvzunj5d82cvjdx3zfayme3fm7m2tt854h69j4
                      validatorIndex: 1
                    round: 0
                    signedPower: 20
                    totalPower: 20
                    twoThirdsPlusOne: 14
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NotFound"}
        "503": {$ref: "#/components/responses/Unavailable"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/txs/{id}:
    get:
      tags: [transactions]
      operationId: getTransaction
      summary: A transaction, pending (in the mempool) or confirmed.
      description: |
        A transaction in the mempool has `status` `pending`, no `blockId`,
        `height`, `position` or `proof`, and `confirmations` 0. A confirmed
        one (on the best chain) has all four and a Merkle proof of its
        inclusion against its block's `merkleRoot`.
      parameters:
        - name: id
          in: path
          required: true
          description: The transaction id, 64 hex digits.
          schema: {$ref: "#/components/schemas/HashInput"}
      responses:
        "200":
          description: The transaction and where it stands.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/TxInfo"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NotFound"}
        "503": {$ref: "#/components/responses/Unavailable"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/txs:
    post:
      tags: [transactions]
      operationId: submitTransaction
      summary: Submit a signed transaction (or a batch of them) to the mempool.
      description: |
        The body is `{"tx": "<hex>"}`: the transaction's canonical encoding
        (docs/protocol.md, section 6) in hex, 145 to 196,751 bytes. Other members
        of the object are ignored. On success the transaction is in the
        mempool and the answer is `202` with its id; it is announced on
        `/v1/events` as a `tx` event.

        Or `{"txs": ["<hex>", ...]}`: 1 to 256 transactions at once, each
        checked on its own (HTTP and JSON are paid once per batch). The answer
        is `200` with one result per transaction, in order: its `id` when it
        decoded, and an `error` (`{"code", "message"}`, the codes below) when
        it was refused; `accepted` counts those admitted. A batch counts one
        request per transaction against the rate limit.

        Checks, in order: a client that has used its minute's rate limit
        (`429 rate_limited`, before the body is read); body at most 1,048,576
        bytes (`413 too_large`); body
        is JSON (`400 bad_json`, or `413 too_large` when it is also over
        524,288 bytes) and an object (`400 bad_request`). A batch
        (`txs` present): `txs` is an array (`422 wrong_type`) of 1
        (`400 bad_request`) to 256 (`413 too_large`; also when more than the
        client's rate limit allows in a minute) strings (`422 wrong_type`);
        rate limit (`429 rate_limited`); a backlogged mempool (`429
        mempool_full` for the whole batch, before any signature is checked,
        with `Retry-After`); then each transaction as below, in
        its result (`Retry-After` is sent when one of them met a full
        mempool). A single transaction: body at most 524,288
        bytes (`413 too_large`); rate limit (`429 rate_limited`); a `tx`
        member (`400 bad_request`) that is a string (`422 wrong_type`) of an
        even number of hex digits (`400 bad_request`) encoding at most 196,751
        bytes (`413 too_large`; a contract deploy of the largest module) that decode as a canonical transaction
        (`400 invalid_encoding`) with a valid signature (`422
        bad_signature`); then the mempool's rules (`422` with the mempool's
        code, or `429 mempool_full`).
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf:
                - {$ref: "#/components/schemas/SubmitRequest"}
                - {$ref: "#/components/schemas/SubmitBatchRequest"}
      responses:
        "200":
          description: A batch was checked; each transaction's outcome is in `results`.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/BatchSubmitted"}
        "202":
          description: Accepted into the mempool.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Submitted"}
        "400":
          description: |
            The body is not usable: `bad_json` (not JSON), `bad_request` (not
            an object, no `tx`, or `tx` is not even-length hex),
            `invalid_encoding` (the bytes are not a canonical transaction).
          content:
            application/json:
              schema: {$ref: "#/components/schemas/SubmitBadRequestError"}
        "413":
          description: "`too_large`: the body is over 524,288 bytes, or the transaction over 196,751 bytes."
          content:
            application/json:
              schema: {$ref: "#/components/schemas/TooLargeError"}
        "422":
          description: |
            The transaction was refused: `wrong_type` (`tx` is not a string),
            or a mempool code: `wrong_chain` (another chain id),
            `bad_signature`, `already_known` (already in the mempool),
            `nonce_too_low` (nonce already used), `nonce_too_far_ahead`
            (beyond the account's next nonce by more than the node allows),
            `fee_too_low` (below the minimum fee per byte for its size),
            `replacement_underpriced` (replacing a pending transaction of the
            same sender and nonce needs at least 10% more fee),
            `insufficient_balance` (the balance does not cover the amount and
            fee of this and the sender's pending transactions).
          content:
            application/json:
              schema: {$ref: "#/components/schemas/RejectedError"}
        "429":
          description: |
            `rate_limited`: too many POST requests from this client in the
            current minute; or `mempool_full`: the mempool is full and this
            transaction pays no more than what it holds (equal fee rates go
            first come, first served), or it holds more than about 20 s of
            what recent blocks took (at least 2,000 transactions; such a
            refusal comes before the signature is checked). Either way the
            node refuses the excess early rather than let a backlog grow.
            `Retry-After` says when to try again: the chain's block spacing,
            for a full mempool.
          headers:
            Retry-After:
              description: Seconds after which a retry may succeed (sent with `mempool_full`).
              schema: {type: integer, minimum: 1}
          content:
            application/json:
              schema:
                oneOf:
                  - {$ref: "#/components/schemas/RateLimitedError"}
                  - {$ref: "#/components/schemas/MempoolFullError"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/accounts/{address}:
    get:
      tags: [accounts]
      operationId: getAccount
      summary: An account's balance and nonce, with a state proof.
      description: |
        The account at `height` (default: the tip), with a proof against that
        height's state root. An address that never received anything is an
        empty account (balance and nonce 0), proved absent. `pendingNonce`
        (the next nonce to sign with, counting the sender's pending
        transactions) and `pending` (how many of them) are always as of now,
        whatever `height` is. `gap`, present only when some of the sender's
        pending transactions wait behind a nonce the node does not hold,
        tells which nonce is missing and how many wait: they cannot be mined
        until a transaction with `missingNonce` is sent (again).
      parameters:
        - $ref: "#/components/parameters/Address"
        - name: height
          in: query
          required: false
          description: A best-chain height at most the tip's (default the tip).
          schema: {type: integer, minimum: 0, maximum: 18446744073709551615}
      responses:
        "200":
          description: The account.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/AccountInfo"}
        "400": {$ref: "#/components/responses/BadAddressOrRequest"}
        "404":
          description: "`not_found`: `height` is above the tip."
          content:
            application/json:
              schema: {$ref: "#/components/schemas/NotFoundError"}
        "503": {$ref: "#/components/responses/Unavailable"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/accounts/{address}/txs:
    get:
      tags: [accounts]
      operationId: getAccountHistory
      summary: An address's confirmed transactions, newest first.
      description: |
        Best-chain transactions that the address sent or received, newest
        first (by height, then position in the block), at most `limit`,
        strictly before the cursor `before` (`HEIGHT`: in blocks below it;
        `HEIGHT:POSITION`: also earlier positions of that block). Mining
        rewards are not transactions and do not appear. When the page is
        full, `next` is the cursor of its last transaction, to pass as
        `before` for the next page.
      parameters:
        - $ref: "#/components/parameters/Address"
        - name: before
          in: query
          required: false
          description: "Cursor: `HEIGHT` (1 to 19 digits) or `HEIGHT:POSITION` (and 1 to 9 digits); default: from the tip."
          schema: {type: string, pattern: "^[0-9]{1,19}(:[0-9]{1,9})?$"}
        - $ref: "#/components/parameters/Limit"
      responses:
        "200":
          description: A page of the address's history.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/History"}
        "400": {$ref: "#/components/responses/BadAddressOrRequest"}
        "404":
          description: "`not_found`: only if the node's indexes disagree (a transaction in the address index is missing from the transaction index)."
          content:
            application/json:
              schema: {$ref: "#/components/schemas/NotFoundError"}
        "503": {$ref: "#/components/responses/Unavailable"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/contracts/{address}:
    get:
      tags: [contracts]
      operationId: getContract
      summary: A contract's code hash, methods, balance and storage root at the tip.
      parameters:
        - $ref: "#/components/parameters/Address"
      responses:
        "200":
          description: The contract.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Contract"}
        "400": {$ref: "#/components/responses/BadAddressOrRequest"}
        "404": {$ref: "#/components/responses/NoContract"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/contracts/{address}/storage:
    get:
      tags: [contracts]
      operationId: getContractStorage
      summary: A contract's storage entries in key order, by prefix.
      description: |
        Entries whose key starts with `prefix` (default: all), strictly after
        the key `after` (default: from the first), in bytewise key order, at
        most `limit`. When the page is full, `next` is its last key, to pass
        as `after` for the next page.
      parameters:
        - $ref: "#/components/parameters/Address"
        - $ref: "#/components/parameters/KeyPrefix"
        - $ref: "#/components/parameters/KeyAfter"
        - name: limit
          in: query
          required: false
          description: How many at most (1 to 1,000, default 100).
          schema: {type: integer, minimum: 1, maximum: 1000, default: 100}
      responses:
        "200":
          description: A page of the contract's storage.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/StorageListing"}
        "400": {$ref: "#/components/responses/BadAddressOrRequest"}
        "404": {$ref: "#/components/responses/NoContract"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/contracts/{address}/storage/{key}:
    get:
      tags: [contracts]
      operationId: getContractStorageKey
      summary: One storage key of a contract, with its proof against the state root.
      description: |
        The key's value (absent when the contract stores nothing under it)
        with a proof against the contract's storage root, and the contract
        account's proof (its leaf holds the storage root) against the tip's
        state root: together they prove the value from the state root alone.
      parameters:
        - $ref: "#/components/parameters/Address"
        - name: key
          in: path
          required: true
          description: The key's bytes as hex, 1 to 128 bytes.
          schema: {type: string, pattern: "^([0-9a-fA-F]{2}){1,128}$"}
      responses:
        "200":
          description: The key, its value and the proofs.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/StorageAnswer"}
        "400": {$ref: "#/components/responses/BadAddressOrRequest"}
        "404": {$ref: "#/components/responses/NoContract"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/contracts/{address}/query:
    post:
      tags: [contracts]
      operationId: queryContract
      summary: Runs a contract method read-only, at no cost.
      description: |
        Runs `method` with the encoded arguments `args` (hex, docs/protocol.md
        18.3) on the tip's state as `caller` (default the all-zero address),
        with at most 10,000,000 gas. Nothing it writes is kept and nobody
        pays; messages it queues are not run. A method that reverts, traps or
        runs out of gas is still a `200`, with `succeeded` false and the
        reason in `failure`. Queries count against the client's read rate limit.
      parameters:
        - $ref: "#/components/parameters/Address"
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/QueryRequest"}
      responses:
        "200":
          description: What the method returned, or why it failed.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/QueryAnswer"}
        "400":
          description: "`bad_json` (not JSON), `bad_request` (not an object, no `method`, a method name that is not 1-64 of `a-z0-9_`, `args` not even-length hex), `bad_address` (the path or `caller` is not an address of this network)."
          content:
            application/json:
              schema: {$ref: "#/components/schemas/QueryBadRequestError"}
        "404": {$ref: "#/components/responses/NoContract"}
        "413":
          description: "`too_large`: the body is over 135,168 bytes."
          content:
            application/json:
              schema: {$ref: "#/components/schemas/TooLargeError"}
        "422":
          description: "`wrong_type`: `method`, `args` or `caller` is not a string."
          content:
            application/json:
              schema: {$ref: "#/components/schemas/WrongTypeError"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/assets:
    get:
      tags: [exchange]
      operationId: listAssets
      summary: Every asset on the chain, KSR (asset 0) first, then by id.
      description: |
        KSR's `supply` is what the chain has issued up to the tip (genesis
        allocations and every block's subsidy); it has no issuer and is not
        mintable by anyone.
      responses:
        "200":
          description: The assets at the tip.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/AssetList"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/assets/{asset}:
    get:
      tags: [exchange]
      operationId: getAsset
      summary: One asset, by id or symbol.
      parameters:
        - $ref: "#/components/parameters/AssetRef"
      responses:
        "200":
          description: The asset.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Asset"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NotFound"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/accounts/{address}/assets:
    get:
      tags: [exchange]
      operationId: getAccountAssets
      summary: What an account holds of every asset, and what its open orders lock.
      description: |
        KSR always, then every asset the account holds or has locked, by id.
        `available` is what the account can spend; `locked` what its open
        orders hold at the exchange (a buy locks lots x price of the quote
        asset, a sell lots x lot size of the base asset) until they fill, are
        cancelled or expire.
      parameters:
        - $ref: "#/components/parameters/Address"
      responses:
        "200":
          description: The account's holdings at the tip.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/AccountAssets"}
        "400": {$ref: "#/components/responses/BadAddressOrRequest"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/accounts/{address}/orders:
    get:
      tags: [exchange]
      operationId: getAccountOrders
      summary: An account's open orders (at most 256), by id.
      parameters:
        - $ref: "#/components/parameters/Address"
      responses:
        "200":
          description: The open orders at the tip.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/OrderList"}
        "400": {$ref: "#/components/responses/BadAddressOrRequest"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/accounts/{address}/fills:
    get:
      tags: [exchange]
      operationId: getAccountFills
      summary: The fills of an account's orders, newest first.
      description: |
        Every fill of the account's orders in the auctions of the best chain,
        newest first, read from at most 2,000 blocks below `before` (exclusive;
        default above the tip). Whole blocks are read, so a page may hold a
        few more than `limit`. `next` is the lowest height read: pass it as
        `before` for the next page; it is left out once the walk reached
        genesis.
      parameters:
        - $ref: "#/components/parameters/Address"
        - $ref: "#/components/parameters/Limit"
        - $ref: "#/components/parameters/BeforeHeight"
      responses:
        "200":
          description: A page of fills.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/AccountFills"}
        "400": {$ref: "#/components/responses/BadAddressOrRequest"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/markets:
    get:
      tags: [exchange]
      operationId: listMarkets
      summary: Every market with its terms, last price and best prices, by pair.
      responses:
        "200":
          description: The markets at the tip.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/MarketList"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/markets/{market}:
    get:
      tags: [exchange]
      operationId: getMarket
      summary: One market's terms, last price, best bid and best ask.
      parameters:
        - $ref: "#/components/parameters/MarketRef"
      responses:
        "200":
          description: The market.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Market"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NotFound"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/markets/{market}/book:
    get:
      tags: [exchange]
      operationId: getMarketBook
      summary: A market's open orders aggregated by price, best first on each side.
      parameters:
        - $ref: "#/components/parameters/MarketRef"
        - name: depth
          in: query
          required: false
          description: Price levels per side at most (1 to 500, default 50).
          schema: {type: integer, minimum: 1, maximum: 500, default: 50}
      responses:
        "200":
          description: The book at the tip.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Book"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NotFound"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/markets/{market}/trades:
    get:
      tags: [exchange]
      operationId: getMarketTrades
      summary: A market's latest auctions that traded, newest first.
      description: |
        One entry per block that cleared the market: every fill of a block's
        auction is at its one price. Found in at most 2,000 blocks below
        `before`; when the page is full, `next` is its last height, to pass
        as `before` for the next page.
      parameters:
        - $ref: "#/components/parameters/MarketRef"
        - $ref: "#/components/parameters/Limit"
        - $ref: "#/components/parameters/BeforeHeight"
      responses:
        "200":
          description: The trades.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Trades"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NotFound"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/markets/{market}/candles:
    get:
      tags: [exchange]
      operationId: getMarketCandles
      summary: OHLCV candles of a market, oldest first.
      description: |
        Built from the stored auctions, one price per block, grouped by the
        block's time into intervals of `interval` seconds (`time` is the
        interval's start). Volume is in lots and in quote units (lots x price).
        Intervals without a trade are left out; the newest `limit` intervals
        with a trade are given, from at most 10,000 blocks below the tip.
      parameters:
        - $ref: "#/components/parameters/MarketRef"
        - name: interval
          in: query
          required: false
          description: Seconds per candle (default 60).
          schema: {type: integer, enum: [60, 300, 3600, 86400], default: 60}
        - name: limit
          in: query
          required: false
          description: How many candles at most (1 to 500, default 100).
          schema: {type: integer, minimum: 1, maximum: 500, default: 100}
      responses:
        "200":
          description: The candles.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Candles"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NotFound"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/orders/{id}:
    get:
      tags: [exchange]
      operationId: getOrder
      summary: An order by id (its transaction's id), with its status and fills.
      description: |
        `pending` while its transaction waits in the mempool; `refused` when
        the exchange refused it in its block (`failure` says why); `open`
        while it rests on the book; `filled` when every lot traded; `closed`
        when it left the book with lots unfilled (`closedBy` says how:
        cancelled, replaced, expired, or what an immediate-or-cancel, market or
        crossing post-only order had left). An order placed by a replace-order
        transaction is found by that transaction's id.
        Fills are those found in the 2,000 blocks from its placement.
      parameters:
        - name: id
          in: path
          required: true
          description: The order's id, 64 hex digits.
          schema: {$ref: "#/components/schemas/HashInput"}
      responses:
        "200":
          description: The order.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Order"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NotFound"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/blocks/{ref}/clearings:
    get:
      tags: [exchange]
      operationId: getBlockClearings
      summary: A block's batch auctions with every fill and the demand and supply curves.
      description: |
        What a fairness audit reads: per market cleared in the block, the one
        clearing price, the lots traded, every fill (each at that price and
        within its order's `limit`) and the auction's curves: at every limit
        price of the orders that took part, the lots demanded (buys with a
        limit at or above it) and supplied (sells at or below it). Empty when
        the block cleared nothing.
      parameters:
        - name: ref
          in: path
          required: true
          description: A best-chain height or a block id (64 hex digits).
          schema:
            anyOf:
              - {type: string, pattern: "^[0-9]{1,19}$"}
              - {$ref: "#/components/schemas/HashInput"}
      responses:
        "200":
          description: The block's auctions.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/BlockClearings"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NotFound"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        "503": {$ref: "#/components/responses/Unavailable"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/mempool:
    get:
      tags: [mempool]
      operationId: getMempool
      summary: Pending transactions, highest fee rate first.
      description: |
        `count` and `bytes` are the whole mempool's; `transactions` holds at
        most `limit` entries, by fee per byte, highest first.
      parameters:
        - name: limit
          in: query
          required: false
          description: How many entries at most (1 to 10,000, default 1,000).
          schema: {type: integer, minimum: 1, maximum: 10000, default: 1000}
      responses:
        "200":
          description: The mempool.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Mempool"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/peers:
    get:
      tags: [network]
      operationId: getPeers
      summary: Connected peers.
      description: |
        Each connection with its address (`HOST:PORT`), direction, the peer's node id
        (hex) and the best height it has proved (from its handshake, then raised by the
        headers and blocks it sends, the blocks it announces and the tip its header
        requests name), its user agent, the last ping's
        round trip in milliseconds, bytes in and out, and its misbehaviour score
        (banned at 100).
      responses:
        "200":
          description: The peers.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Peers"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/bans:
    get:
      tags: [network]
      operationId: getBans
      summary: Banned peers.
      description: |
        Peers banned for misbehaviour (bad frames, invalid blocks or transactions),
        with when the ban ends (Unix seconds) and why. A ban applies to an IP
        address; on loopback, where every peer shares one address, to `IP:PORT`.
        Bans are kept in the data directory.
      responses:
        "200":
          description: The bans.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Bans"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/chain/tree:
    get:
      tags: [chain]
      operationId: getBlockTree
      summary: The recent block tree, side branches included.
      description: |
        Every block the node knows at the heights from `depth - 1` below the
        tip upwards: the best chain and the side branches that lost (also
        those that forked below that height), so that forks and
        reorganisations can be drawn. Ordered by height, then the best
        chain's block, then by arrival (the first-seen branch first); at most
        1,000 blocks, the newest heights kept when there are more. `status` is `valid` (the body was
        applied at least once), `headerValid` (only the header was checked)
        or `invalid` (it, or an ancestor, broke a rule).
      parameters:
        - name: depth
          in: query
          required: false
          description: How many heights back from the tip (1 to 500, default 20).
          schema: {type: integer, minimum: 1, maximum: 500, default: 20}
      responses:
        "200":
          description: The tree.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/BlockTree"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/validators:
    get:
      tags: [consensus]
      operationId: getValidators
      summary: The validator set that votes at a height (BFT chains).
      description: |
        The validators that vote at `height` (default: the next height, one
        above the tip), by index (the order votes name them by: higher power
        first, then the lower address), each with its public key, voting power
        and proposer priority at that height (CometBFT's proposer-priority
        algorithm, docs/protocol.md section 17.1; `proposer` is the round-0
        proposer of the height), and how many of the stored commits of the
        100 blocks below `height` (`window`) carry its precommit (`signed`)
        or lack it (`missed`). `hash` is the set's hash, the `validatorsHash`
        of that height's header: a light client checks the one against the
        other before it trusts the keys. `height` 0 (the genesis, not voted
        on) is refused with `400`; above the next height is `404`
        `not_found`. On a proof-of-work chain the answer is `404`
        `no_validators`.
      parameters:
        - name: height
          in: query
          required: false
          description: The height (1 to the tip + 1; default the tip + 1).
          schema: {type: integer, minimum: 1, maximum: 18446744073709551615}
      responses:
        "200":
          description: The validator set.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ValidatorSet"}
              examples:
                twoValidators:
                  summary: A two-validator chain at height 27 (the two alternate as proposers).
                  value:
                    hash: 750611def53c8f1ed80eea500545a1cda92282982a1851335d3899daa2f05e3c
                    height: 27
                    proposer: ksrt1qq37ehpezwv23quy7xdfydpnk92khde0e5k69ar
                    totalPower: 20
                    twoThirdsPlusOne: 14
                    validators:
                    - address: ksrt1qq37ehpezwv23quy7xdfydpnk92khde0e5k69ar
                      index: 0
                      missed: 0
                      power: 10
                      proposerPriority: -10
                      publicKey: e59e856244b082b9af648f2168e99e601e13cdff1105ec9041c2af9f2ed0bd7f
                      signed: 26
                    - address: ksrt1qtvzunj5d82cvjdx3zfayme3fm7m2tt854h69j4
                      index: 1
                      missed: 0
                      power: 10
                      proposerPriority: 10
                      publicKey: cfc6dd9c7d3cabd80c3c214e0d390ae0cd36ccea12f116d8a2d653233338d5b6
                      signed: 26
                    window:
                      from: 1
                      to: 26
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NotFoundOrNoValidators"}
        "503": {$ref: "#/components/responses/Unavailable"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/evidence:
    get:
      tags: [consensus]
      operationId: listEvidence
      summary: Evidence of double signing included in committed blocks (BFT chains).
      description: |
        Each piece of evidence a committed block included, newest block first,
        at most `limit`: two conflicting votes signed by one validator (the
        same type, height and round for two different blocks, `first` the one
        with the smaller block id; a block id of 64 zeros is a vote for nil),
        with `includedAt`, the height of the block that included it
        (docs/protocol.md, section 17.6). On a proof-of-work chain the answer
        is `404` `no_validators`.
      parameters:
        - $ref: "#/components/parameters/Limit"
      responses:
        "200":
          description: The evidence.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/EvidenceList"}
              examples:
                doubleVote:
                  summary: A validator that prevoted both a block and nil at height 22, round 0 (`limit=1`).
                  value:
                    evidence:
                    - first:
                        blockId: '0000000000000000000000000000000000000000000000000000000000000000'
                        signature: 686e50bf37ec355f46294543023db629911d88d915e4c694697842f133299c6a64ead4da4cd8531763468cdfd5f33d84599393f97a754e2415dbfdf007ad700c
                        timestamp: 1796173942227
                      height: 26
                      includedAt: 27
                      round: 0
                      second:
                        blockId: d0c33d2acecc2e7bfb22c1caeeb6860693c9d85443183648a0729e3128f9eb2c
                        signature: 26dd6ed80828492747067a30928f680fe3e2b7b49ba9e2213767bb6177ad164903bf4d3c71ece4ebdfdf9832f69fc57c88d64ba52a7dd7fde57405b992f0e00e
                        timestamp: 1796173942227
                      type: prevote
                      validator: ksrt1qtvzunj5d82cvjdx3zfayme3fm7m2tt854h69j4
                      validatorIndex: 1
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NoValidators"}
        "503": {$ref: "#/components/responses/Unavailable"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/consensus/heights:
    get:
      tags: [consensus]
      operationId: listConsensusHeights
      summary: The recent heights' consensus rounds as this node saw them (BFT chains).
      description: |
        A summary of each height this node's consensus driver ran, newest
        first, at most `limit`: how many rounds it saw, how many timeouts
        fired, and the decision it reached (left out while the height is
        being decided, and for a height this node left without deciding
        itself, when the block came with a peer's commit). The record is kept
        in memory for the last `kept` (200) heights and starts empty when the
        node starts. `role` says what the node saw them as: a `validator`
        (its own votes among them) or a `follower`, which runs the rounds
        without voting and counts the votes gossip brings it. On a
        proof-of-work chain the answer is `404` `no_validators`; a node that
        runs no consensus driver answers `404` `not_found`.
      parameters:
        - $ref: "#/components/parameters/Limit"
      responses:
        "200":
          description: The recent heights.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ConsensusHeights"}
              examples:
                twoHeights:
                  summary: A validator whose height 41 needed a second round (`limit=2`).
                  value:
                    currentHeight: 42
                    heights:
                    - height: 42
                      rounds: 1
                      startedAt: 1796173942227
                      timeouts: 0
                    - decided: {blockId: d0c33d2acecc2e7bfb22c1caeeb6860693c9d85443183648a0729e3128f9eb2c, decidedMs: 2565, round: 1}
                      height: 41
                      rounds: 2
                      startedAt: 1796173939512
                      timeouts: 2
                    kept: 200
                    role: validator
                    validatorIndex: 0
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NotFoundOrNoValidators"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/consensus/heights/{height}:
    get:
      tags: [consensus]
      operationId: getConsensusHeight
      summary: One height's consensus rounds as this node saw them (BFT chains).
      description: |
        Each round of `height` this node saw, in order: its proposer (left
        out for a round seen only through votes), when the node entered it,
        the proposal (left out if none arrived), the prevotes and precommits
        it counted (one per validator and choice, with the validator's power;
        `blockId` is left out of a vote for nil), the power behind each
        choice against the `twoThirdsPlusOne` that a rule needs
        (`prevoteTally`, `precommitTally`), and the timeouts that fired while
        their step was still current (`propose`: no proposal in time, the
        node prevoted nil; `prevote`: no block gathered two thirds of the
        prevotes, it precommitted nil; `precommit`: no block gathered two
        thirds of the precommits, it went on to the next round). `decided`
        is the round and block this node decided, left out while
        `inProgress` or when it moved on by a peer's commit. Times are
        milliseconds since the node started the height (negative: the
        message arrived before). This is one node's view, not a signed
        record: a vote that never reached it is not here, and the commit
        stored with the block (`/v1/blocks/{ref}/commit`) is what made it
        final. The record is in memory for the last 200 heights this node
        ran: an older height, one not started yet, one that came by block
        sync or before the node started, the genesis, and any height on a
        node that runs no consensus driver are `404` `not_found` (the
        message says which); on a proof-of-work chain `404`
        `no_validators`.
      parameters:
        - name: height
          in: path
          required: true
          description: The height (decimal).
          schema: {type: string, pattern: "^[0-9]{1,19}$"}
      responses:
        "200":
          description: The rounds of the height.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ConsensusHeight"}
              examples:
                timedOutRound:
                  summary: Round 0's proposer (index 2) was silent; round 1 decided.
                  value:
                    decided: {blockId: d0c33d2acecc2e7bfb22c1caeeb6860693c9d85443183648a0729e3128f9eb2c, decidedMs: 2565, round: 1}
                    droppedRounds: 0
                    height: 41
                    inProgress: false
                    role: validator
                    rounds:
                    - precommitPower: 20
                      precommitTally:
                      - {power: 20, twoThirds: true, votes: 2}
                      precommits:
                      - {power: 10, receivedMs: 1530, validator: ksrt1qq37ehpezwv23quy7xdfydpnk92khde0e5k69ar, validatorIndex: 0}
                      - {power: 10, receivedMs: 1533, validator: ksrt1qtvzunj5d82cvjdx3zfayme3fm7m2tt854h69j4, validatorIndex: 1}
                      prevotePower: 20
                      prevoteTally:
                      - {power: 20, twoThirds: true, votes: 2}
                      prevotes:
                      - {power: 10, receivedMs: 1001, validator: ksrt1qq37ehpezwv23quy7xdfydpnk92khde0e5k69ar, validatorIndex: 0}
                      - {power: 10, receivedMs: 1004, validator: ksrt1qtvzunj5d82cvjdx3zfayme3fm7m2tt854h69j4, validatorIndex: 1}
                      proposer: {address: ksrt1qz5f2q0j4jpmxvxx4y4akdl7wrdx5h8nxdj5ult, index: 2, power: 1, publicKey: 0d2a41f4b5a5e8b0b8dc2c9eaf1fbd4a3fd8bd0c8c18d2b1c0f5a4ee9e37a1d2}
                      round: 0
                      startedMs: 0
                      timeouts:
                      - {durationMs: 1000, firedMs: 1000, kind: propose}
                      - {durationMs: 1000, firedMs: 2530, kind: precommit}
                    - precommitPower: 20
                      precommitTally:
                      - {blockId: d0c33d2acecc2e7bfb22c1caeeb6860693c9d85443183648a0729e3128f9eb2c, power: 20, twoThirds: true, votes: 2}
                      precommits:
                      - {blockId: d0c33d2acecc2e7bfb22c1caeeb6860693c9d85443183648a0729e3128f9eb2c, power: 10, receivedMs: 2560, validator: ksrt1qq37ehpezwv23quy7xdfydpnk92khde0e5k69ar, validatorIndex: 0}
                      - {blockId: d0c33d2acecc2e7bfb22c1caeeb6860693c9d85443183648a0729e3128f9eb2c, power: 10, receivedMs: 2563, validator: ksrt1qtvzunj5d82cvjdx3zfayme3fm7m2tt854h69j4, validatorIndex: 1}
                      prevotePower: 20
                      prevoteTally:
                      - {blockId: d0c33d2acecc2e7bfb22c1caeeb6860693c9d85443183648a0729e3128f9eb2c, power: 20, twoThirds: true, votes: 2}
                      prevotes:
                      - {blockId: d0c33d2acecc2e7bfb22c1caeeb6860693c9d85443183648a0729e3128f9eb2c, power: 10, receivedMs: 2540, validator: ksrt1qq37ehpezwv23quy7xdfydpnk92khde0e5k69ar, validatorIndex: 0}
                      - {blockId: d0c33d2acecc2e7bfb22c1caeeb6860693c9d85443183648a0729e3128f9eb2c, power: 10, receivedMs: 2543, validator: ksrt1qtvzunj5d82cvjdx3zfayme3fm7m2tt854h69j4, validatorIndex: 1}
                      proposal: {blockId: d0c33d2acecc2e7bfb22c1caeeb6860693c9d85443183648a0729e3128f9eb2c, own: true, polRound: -1, receivedMs: 2532}
                      proposer: {address: ksrt1qq37ehpezwv23quy7xdfydpnk92khde0e5k69ar, index: 0, power: 10, publicKey: e59e856244b082b9af648f2168e99e601e13cdff1105ec9041c2af9f2ed0bd7f}
                      round: 1
                      startedMs: 2530
                      timeouts: []
                    startedAt: 1796173939512
                    totalPower: 21
                    twoThirdsPlusOne: 15
                    validatorIndex: 0
        "400": {$ref: "#/components/responses/BadRequest"}
        "404": {$ref: "#/components/responses/NotFoundOrNoValidators"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /v1/events:
    get:
      tags: [events]
      operationId: streamEvents
      summary: Server-sent events of new blocks, side-branch blocks, transactions and reorganizations.
      description: |
        A `text/event-stream` (with `Cache-Control: no-cache`) that stays open.
        It starts with the comment line `: connected` and then sends, as they
        happen, events of the form

            event: NAME
            data: JSON

        followed by a blank line, where NAME and JSON are one of:

        * `block`: a block joined the best chain. Data (schema `BlockEvent`):
          `{"height": 12, "id": "<64 hex>", "txCount": 1}`.
        * `tx`: a transaction entered the mempool. Data (schema `TxEvent`):
          `{"id": "<64 hex>"}`.
        * `reorg`: the best chain switched branch. Data (schema
          `ReorgEvent`): `{"disconnected": 2, "connected": 3, "height": 41,
          "tip": "<64 hex>"}`, the number of blocks taken off and put on and
          the new tip.
        * `side`: a valid block was stored on a side branch; the best chain
          did not change. Data (schema `SideEvent`): `{"height": 40,
          "id": "<64 hex>"}`.
        * `trade`: a best-chain block's batch auction cleared a market at one
          price (sent after the block's `block` event, once per market).
          Data (schema `TradeEvent`): `{"market": "GOLD-KSR", "pair": "1-0",
          "height": 42, "price": 100, "lots": 7}`.

        A client that reads too slowly loses its oldest events (the node keeps
        the newest 1,000 per client) rather than holding the node up. There is
        no replay of past events and no `id:` field. At most 256 streams are
        open at once, and 16 from one client IP (`--api-max-event-streams`,
        `--api-max-event-streams-per-client`); past either the answer is `503`
        `unavailable`. A stream's slot is freed as soon as its client
        disconnects.
      responses:
        "200":
          description: The event stream.
          content:
            text/event-stream:
              schema:
                description: |
                  One server-sent event (OpenAPI 3.1 describes each event of a
                  `text/event-stream` by this schema): its `event` name and its
                  `data`, one line of JSON whose schema the name gives.
                oneOf:
                  - $ref: "#/components/schemas/BlockEventMessage"
                  - $ref: "#/components/schemas/TxEventMessage"
                  - $ref: "#/components/schemas/ReorgEventMessage"
                  - $ref: "#/components/schemas/SideEventMessage"
                  - $ref: "#/components/schemas/TradeEventMessage"
              examples:
                block:
                  value: "event: block\ndata: {\"height\":33,\"id\":\"3195df18e4a75a53441ac94ba1ade22bf77eaa1f4b44e45ad72b848f99ad117e\",\"txCount\":0}\n\n"
        "503": {$ref: "#/components/responses/Unavailable"}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

  /openapi.yaml:
    get:
      tags: [meta]
      operationId: getOpenAPI
      summary: This document.
      responses:
        "200":
          description: The OpenAPI 3.1 document of this API (YAML, which parses to an object).
          content:
            application/yaml:
              schema:
                type: object
                required: [openapi, info, paths, components]
                properties:
                  openapi: {const: 3.1.0}
        "429": {$ref: "#/components/responses/ReadRateLimited"}
        default: {$ref: "#/components/responses/InternalError"}

components:
  parameters:
    Address:
      name: address
      in: path
      required: true
      description: A bech32m address of the node's network (`ksr1...` on main, `ksrt1...` on test and devnet), all-lowercase or all-uppercase.
      schema:
        type: string
        pattern: "^(ksrt?1[02-9ac-hj-np-z]{39}|KSRT?1[02-9AC-HJ-NP-Z]{39})$"
        format: kusari-address
    BeforeHeight:
      name: before
      in: query
      required: false
      description: Only blocks (or transactions in blocks) with heights below this one; default none.
      schema: {type: integer, minimum: 0, maximum: 18446744073709551615}
    KeyPrefix:
      name: prefix
      in: query
      required: false
      description: Only keys starting with these bytes (hex, at most 128 bytes; default all).
      schema: {type: string, pattern: "^([0-9a-fA-F]{2}){0,128}$"}
    KeyAfter:
      name: after
      in: query
      required: false
      description: Only keys sorting after this one (hex, at most 128 bytes; default from the first).
      schema: {type: string, pattern: "^([0-9a-fA-F]{2}){0,128}$"}
    Limit:
      name: limit
      in: query
      required: false
      description: How many at most (1 to 100, default 20).
      schema: {type: integer, minimum: 1, maximum: 100, default: 20}

    AssetRef:
      name: asset
      in: path
      required: true
      description: An asset id (KSR is 0) or a symbol (`GOLD`; lower case is read as upper case).
      schema:
        anyOf:
          - {type: string, pattern: "^[0-9]{1,10}$"}
          - {type: string, pattern: "^[A-Za-z][A-Za-z0-9]{1,11}$"}
    MarketRef:
      name: market
      in: path
      required: true
      description: A market as `BASE-QUOTE`, each an asset id or symbol (`GOLD-KSR`, `1-0`).
      schema:
        type: string
        pattern: "^([0-9]{1,10}|[A-Za-z][A-Za-z0-9]{1,11})-([0-9]{1,10}|[A-Za-z][A-Za-z0-9]{1,11})$"
  responses:
    ReadRateLimited:
      description: "`rate_limited`: too many GET requests from this client in the current minute."
      content:
        application/json:
          schema: {$ref: "#/components/schemas/RateLimitedError"}
    BadRequest:
      description: "`bad_request`: a path or query parameter is malformed (a hash that is not 64 hex digits, a `limit` out of range, a number that is not a whole number)."
      content:
        application/json:
          schema: {$ref: "#/components/schemas/BadRequestError"}
    BadAddressOrRequest:
      description: "`bad_address`: the address is not a valid address of this node's network; `bad_request`: a query parameter is malformed."
      content:
        application/json:
          schema: {$ref: "#/components/schemas/BadAddressOrRequestError"}
    NotFound:
      description: "`not_found`: nothing has that id or height."
      content:
        application/json:
          schema: {$ref: "#/components/schemas/NotFoundError"}
    NoValidators:
      description: "`no_validators`: the chain runs proof of work, so it has no validators (and no evidence)."
      content:
        application/json:
          schema: {$ref: "#/components/schemas/NoValidatorsError"}
    NotFoundOrNoValidators:
      description: "`not_found`: no block has been voted on at that height yet; `no_validators`: the chain runs proof of work."
      content:
        application/json:
          schema: {$ref: "#/components/schemas/NotFoundOrNoValidatorsError"}
    NoContract:
      description: "`not_found`: no contract lives at that address."
      content:
        application/json:
          schema: {$ref: "#/components/schemas/NotFoundError"}
    Unavailable:
      description: "`unavailable`: the node could not read its storage."
      content:
        application/json:
          schema: {$ref: "#/components/schemas/UnavailableError"}
    InternalError:
      description: "Any other failure: `500 internal`, or `http_NNN` for an error raised by the HTTP server itself."
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}

  schemas:
    # --- scalars ---------------------------------------------------------
    Hash:
      description: A 32-byte hash (block id, transaction id, Merkle or state root), lowercase hex.
      type: string
      pattern: "^[0-9a-f]{64}$"
    HashInput:
      description: A 32-byte hash as 64 hex digits, either case.
      type: string
      pattern: "^[0-9a-fA-F]{64}$"
    Address:
      description: A bech32m address, version 0 and a 20-byte payload (`ksr1...` on main, `ksrt1...` on test and devnet).
      type: string
      pattern: "^ksrt?1[02-9ac-hj-np-z]{39}$"
    AddressKey:
      description: An address payload (the state tree key), 20 bytes as lowercase hex.
      type: string
      pattern: "^[0-9a-f]{40}$"
    Amount:
      description: Base units (10^8 per KSR), at most the supply cap.
      type: integer
      minimum: 0
      maximum: 2100000000000000
    Height:
      description: A block height (genesis is 0).
      type: integer
      minimum: 0
    UInt64:
      type: integer
      minimum: 0
      maximum: 18446744073709551615
    ChainId:
      description: The chain id (main 1, test 2, devnet 3, or a private network's).
      type: integer
      minimum: 0
      maximum: 4294967295
    Bits:
      description: Compact proof-of-work target, `0x` and 8 lowercase hex digits.
      type: string
      pattern: "^0x[0-9a-f]{8}$"

    # --- errors ----------------------------------------------------------
    Error:
      description: Every error answer. `code` is stable and machine-readable; `message` is for people.
      type: object
      required: [error]
      additionalProperties: false
      properties:
        error:
          type: object
          required: [code, message]
          additionalProperties: false
          properties:
            code:
              description: |
                bad_json, bad_request, bad_address, invalid_encoding (400);
                not_found, no_validators (404); method_not_allowed (405); too_large (413); wrong_type and the mempool
                codes wrong_chain, bad_signature, already_known, nonce_too_low,
                nonce_too_far_ahead, fee_too_low, replacement_underpriced,
                insufficient_balance, mempool_full (422); rate_limited (429);
                internal (500); unavailable (503); `http_NNN` for any other
                error of the HTTP server itself, NNN its status.
              anyOf:
                - type: string
                  enum:
                    - bad_json
                    - bad_request
                    - bad_address
                    - invalid_encoding
                    - not_found
                    - no_validators
                    - too_large
                    - wrong_type
                    - wrong_chain
                    - bad_signature
                    - already_known
                    - nonce_too_low
                    - nonce_too_far_ahead
                    - fee_too_low
                    - replacement_underpriced
                    - insufficient_balance
                    - mempool_full
                    - exchange_refused
                    - rate_limited
                    - method_not_allowed
                    - internal
                    - unavailable
                - type: string
                  pattern: "^http_[0-9]{3}$"
            message:
              type: string
    BadRequestError:
      allOf:
        - $ref: "#/components/schemas/Error"
        - properties:
            error:
              properties:
                code: {const: bad_request}
    BadAddressOrRequestError:
      allOf:
        - $ref: "#/components/schemas/Error"
        - properties:
            error:
              properties:
                code: {enum: [bad_address, bad_request]}
    SubmitBadRequestError:
      allOf:
        - $ref: "#/components/schemas/Error"
        - properties:
            error:
              properties:
                code: {enum: [bad_json, bad_request, invalid_encoding]}
    WrongTypeError:
      allOf:
        - $ref: "#/components/schemas/Error"
        - properties:
            error:
              properties:
                code: {const: wrong_type}
    QueryBadRequestError:
      allOf:
        - $ref: "#/components/schemas/Error"
        - properties:
            error:
              properties:
                code: {enum: [bad_json, bad_request, bad_address]}
    NotFoundError:
      allOf:
        - $ref: "#/components/schemas/Error"
        - properties:
            error:
              properties:
                code: {const: not_found}
    NoValidatorsError:
      allOf:
        - $ref: "#/components/schemas/Error"
        - properties:
            error:
              properties:
                code: {const: no_validators}
    NotFoundOrNoValidatorsError:
      allOf:
        - $ref: "#/components/schemas/Error"
        - properties:
            error:
              properties:
                code: {enum: [not_found, no_validators]}
    TooLargeError:
      allOf:
        - $ref: "#/components/schemas/Error"
        - properties:
            error:
              properties:
                code: {const: too_large}
    RejectedError:
      allOf:
        - $ref: "#/components/schemas/Error"
        - properties:
            error:
              properties:
                code:
                  enum:
                    - wrong_type
                    - wrong_chain
                    - bad_signature
                    - already_known
                    - nonce_too_low
                    - nonce_too_far_ahead
                    - fee_too_low
                    - replacement_underpriced
                    - insufficient_balance
                    - mempool_full
                    - exchange_refused
    RateLimitedError:
      allOf:
        - $ref: "#/components/schemas/Error"
        - properties:
            error:
              properties:
                code: {const: rate_limited}
    MempoolFullError:
      allOf:
        - $ref: "#/components/schemas/Error"
        - properties:
            error:
              properties:
                code: {const: mempool_full}
    UnavailableError:
      allOf:
        - $ref: "#/components/schemas/Error"
        - properties:
            error:
              properties:
                code: {const: unavailable}

    # --- status ----------------------------------------------------------
    Status:
      type: object
      required: [network, chainId, height, tip, chainwork, stateRoot, bits, difficulty, mempool, peers, syncing, bestPeerHeight, version, genesis, consensus]
      additionalProperties: false
      properties:
        network: {type: string, enum: [main, test, devnet]}
        chainId: {$ref: "#/components/schemas/ChainId"}
        height: {$ref: "#/components/schemas/Height"}
        tip: {$ref: "#/components/schemas/Hash"}
        chainwork:
          description: The best chain's total work, 64 lowercase hex digits (as Bitcoin Core prints it).
          type: string
          pattern: "^[0-9a-f]{64}$"
        stateRoot: {$ref: "#/components/schemas/Hash"}
        bits: {$ref: "#/components/schemas/Bits"}
        difficulty:
          description: The tip's difficulty relative to the network's proof-of-work limit, a decimal with exactly three places (e.g. "1.000").
          type: string
          pattern: "^[0-9]+\\.[0-9]{3}$"
        mempool:
          type: object
          required: [count, bytes, minFeePerByte]
          additionalProperties: false
          properties:
            count: {type: integer, minimum: 0}
            bytes: {type: integer, minimum: 0}
            minFeePerByte: {type: integer, minimum: 0, description: "The least fee per transaction byte this node admits, in base units (wallets size their fees by it)."}
        peers: {type: integer, minimum: 0, description: Connected peers that completed the handshake.}
        syncing: {type: boolean, description: "True while a connected peer reports a best chain more than one block above ours."}
        bestPeerHeight: {type: integer, minimum: 0, description: "The highest height a connected peer shows (its handshake, then the valid headers it sends), or ours if higher: sync progress is height / bestPeerHeight."}
        version: {type: string, description: The node's version, e.g. "0.1.0".}
        genesis: {$ref: "#/components/schemas/Hash"}
        consensus:
          description: |
            The consensus engine the genesis names: `pow` (proof of work: the
            chain with the most work wins and blocks gain confirmations) or
            `bft` (validators vote; a block is final once committed, and
            `bits` is `0x00000000`, `difficulty` `0.000` and `chainwork` the
            number of blocks).
          type: string
          enum: [pow, bft]

    # --- blocks ----------------------------------------------------------
    BlockHeader:
      type: object
      required: [id, height, version, previousId, merkleRoot, stateRoot, timestamp, bits, nonce, beneficiary]
      additionalProperties: false
      properties:
        id: {$ref: "#/components/schemas/Hash"}
        height: {$ref: "#/components/schemas/Height"}
        version: {type: integer, minimum: 0, maximum: 4294967295}
        previousId: {$ref: "#/components/schemas/Hash"}
        merkleRoot: {$ref: "#/components/schemas/Hash"}
        stateRoot: {$ref: "#/components/schemas/Hash"}
        timestamp: {type: integer, minimum: 0, description: Unix time in seconds.}
        bits: {$ref: "#/components/schemas/Bits"}
        nonce: {$ref: "#/components/schemas/UInt64"}
        beneficiary: {$ref: "#/components/schemas/Address"}
        bft: {$ref: "#/components/schemas/BFTHeader"}
    BFTHeader:
      description: |
        The fields of a version 2 (BFT) header (docs/protocol.md, section
        17.6), left out of version 1 (proof-of-work) headers. A version 2
        header has `bits` `0x00000000` and `nonce` 0 (neither is encoded),
        and its `beneficiary` is its proposer. The genesis of a BFT chain has
        the all-zero proposer and zero `lastCommitHash` and `evidenceHash`.
      type: object
      required: [proposer, validatorsHash, nextValidatorsHash, lastCommitHash, evidenceHash]
      additionalProperties: false
      properties:
        proposer: {$ref: "#/components/schemas/Address"}
        validatorsHash: {$ref: "#/components/schemas/Hash"}
        nextValidatorsHash: {$ref: "#/components/schemas/Hash"}
        lastCommitHash:
          description: SHA-256 of the block's `lastCommit` encoding; 64 zeros when it has none (block 1).
          allOf: [{$ref: "#/components/schemas/Hash"}]
        evidenceHash:
          description: SHA-256 of the block's evidence encodings one after another; 64 zeros when it has none.
          allOf: [{$ref: "#/components/schemas/Hash"}]
      examples:
        - evidenceHash: cbcbbee638d0818cb7d1a28a9929d7017b16277fedd1d2664a527878486a3309
          lastCommitHash: 438f28f5420dca8217eefee71812e876369e46ae2704dca38baee26e19aa9513
          nextValidatorsHash: 750611def53c8f1ed80eea500545a1cda92282982a1851335d3899daa2f05e3c
          proposer: ksrt1qq37ehpezwv23quy7xdfydpnk92khde0e5k69ar
          validatorsHash: 750611def53c8f1ed80eea500545a1cda92282982a1851335d3899daa2f05e3c
    Block:
      description: A block with its transactions as ids.
      type: object
      required: [id, height, header, confirmations, onBestChain, size, txCount, transactions]
      additionalProperties: false
      properties:
        id: {$ref: "#/components/schemas/Hash"}
        height: {$ref: "#/components/schemas/Height"}
        header: {$ref: "#/components/schemas/BlockHeader"}
        confirmations: {type: integer, minimum: 0, description: "1 for the tip, 0 when not on the best chain."}
        onBestChain: {type: boolean}
        size: {type: integer, minimum: 149, description: "The block's encoded size in bytes (at least 149 for proof of work, 267 for BFT)."}
        txCount: {type: integer, minimum: 0}
        transactions:
          type: array
          items: {$ref: "#/components/schemas/Hash"}
        lastCommit: {$ref: "#/components/schemas/LastCommit"}
        evidence: {$ref: "#/components/schemas/BlockEvidence"}
    BlockWithTransactions:
      description: A block with whole transactions (`txs=full`).
      type: object
      required: [id, height, header, confirmations, onBestChain, size, txCount, transactions]
      additionalProperties: false
      properties:
        id: {$ref: "#/components/schemas/Hash"}
        height: {$ref: "#/components/schemas/Height"}
        header: {$ref: "#/components/schemas/BlockHeader"}
        confirmations: {type: integer, minimum: 0}
        onBestChain: {type: boolean}
        size: {type: integer, minimum: 149}
        txCount: {type: integer, minimum: 0}
        transactions:
          type: array
          items: {$ref: "#/components/schemas/Tx"}
        lastCommit: {$ref: "#/components/schemas/LastCommit"}
        evidence: {$ref: "#/components/schemas/BlockEvidence"}
    BlockList:
      type: object
      required: [blocks]
      additionalProperties: false
      properties:
        blocks:
          type: array
          maxItems: 100
          items: {$ref: "#/components/schemas/Block"}
        next:
          description: The `before` for the next page; left out when the page is not full or ends at the genesis block.
          type: integer
          minimum: 1

    # --- consensus (BFT) -------------------------------------------------
    Signature:
      description: An Ed25519 signature, 64 bytes as lowercase hex.
      type: string
      pattern: "^[0-9a-f]{128}$"
    PublicKey:
      description: An Ed25519 public key, 32 bytes as lowercase hex.
      type: string
      pattern: "^[0-9a-f]{64}$"
    VotingPower:
      description: A validator's voting power (1 to (2^63 - 1) / 8).
      type: integer
      minimum: 1
      maximum: 1152921504606846975
    TotalPower:
      description: A sum of voting power (at most (2^63 - 1) / 8).
      type: integer
      minimum: 0
      maximum: 1152921504606846975
    ValidatorIndex:
      description: A validator's index in its set (the order votes name validators by).
      type: integer
      minimum: 0
      maximum: 4294967295
    Round:
      description: A consensus round within a height (0 first).
      type: integer
      minimum: 0
      maximum: 4294967295
    VoteTimestamp:
      description: The voter's clock when it signed, milliseconds since the Unix epoch (part of what it signed).
      allOf: [{$ref: "#/components/schemas/UInt64"}]
    Precommit:
      description: One validator's precommit for the block, as a commit carries it (its signature covers the vote sign-bytes of docs/protocol.md section 17.2 with type 2, the commit's height, round and block id, and `timestamp`).
      type: object
      required: [validatorIndex, validator, timestamp, signature]
      additionalProperties: false
      properties:
        validatorIndex: {$ref: "#/components/schemas/ValidatorIndex"}
        validator: {$ref: "#/components/schemas/Address"}
        timestamp: {$ref: "#/components/schemas/VoteTimestamp"}
        signature: {$ref: "#/components/schemas/Signature"}
    LastCommit:
      description: |
        The commit certificate of the block's parent, as the block carries
        it (left out of block 1, whose parent is the genesis, and of
        proof-of-work blocks): the precommits, by increasing validator index,
        of more than two thirds of the voting power for `blockId` (the
        parent) at `height` in `round`. Its encoding's SHA-256 is the
        header's `bft.lastCommitHash`.
      type: object
      required: [height, round, blockId, precommits]
      additionalProperties: false
      properties:
        height: {$ref: "#/components/schemas/Height"}
        round: {$ref: "#/components/schemas/Round"}
        blockId: {$ref: "#/components/schemas/Hash"}
        precommits:
          type: array
          maxItems: 10000
          items: {$ref: "#/components/schemas/Precommit"}
    SignedVote:
      description: One of the two conflicting votes of a piece of evidence.
      type: object
      required: [blockId, timestamp, signature]
      additionalProperties: false
      properties:
        blockId:
          description: The block voted for; 64 zeros for a vote for nil.
          allOf: [{$ref: "#/components/schemas/Hash"}]
        timestamp: {$ref: "#/components/schemas/VoteTimestamp"}
        signature: {$ref: "#/components/schemas/Signature"}
    Evidence:
      description: |
        Evidence that a validator signed two conflicting votes: the same
        `type`, `height` and `round` for two different blocks, `first` the
        vote with the smaller block id (docs/protocol.md, section 17.6).
        `validatorIndex` names it in the set of `height`.
      type: object
      required: [type, height, round, validatorIndex, validator, first, second]
      additionalProperties: false
      properties:
        type: {type: string, enum: [prevote, precommit]}
        height: {$ref: "#/components/schemas/Height"}
        round: {$ref: "#/components/schemas/Round"}
        validatorIndex: {$ref: "#/components/schemas/ValidatorIndex"}
        validator: {$ref: "#/components/schemas/Address"}
        first: {$ref: "#/components/schemas/SignedVote"}
        second: {$ref: "#/components/schemas/SignedVote"}
    BlockEvidence:
      description: A BFT block's evidence of double signing, possibly empty (at most 64 pieces); left out of proof-of-work blocks.
      type: array
      maxItems: 64
      items: {$ref: "#/components/schemas/Evidence"}
    PoweredPrecommit:
      description: A precommit of a commit certificate, with its validator's voting power.
      type: object
      required: [validatorIndex, validator, timestamp, signature, power]
      additionalProperties: false
      properties:
        validatorIndex: {$ref: "#/components/schemas/ValidatorIndex"}
        validator: {$ref: "#/components/schemas/Address"}
        timestamp: {$ref: "#/components/schemas/VoteTimestamp"}
        signature: {$ref: "#/components/schemas/Signature"}
        power: {$ref: "#/components/schemas/VotingPower"}
    AbsentValidator:
      description: A validator whose precommit the commit lacks.
      type: object
      required: [validatorIndex, validator, power]
      additionalProperties: false
      properties:
        validatorIndex: {$ref: "#/components/schemas/ValidatorIndex"}
        validator: {$ref: "#/components/schemas/Address"}
        power: {$ref: "#/components/schemas/VotingPower"}
    CommitCertificate:
      description: |
        The commit certificate stored with a block: the precommits that made
        it final, with the power behind them (`signedPower`, at least
        `twoThirdsPlusOne` of `totalPower`), the validators that did not
        precommit (`absent`), and `hex`, the commit's canonical encoding.
      type: object
      required: [height, round, blockId, precommits, signedPower, totalPower, twoThirdsPlusOne, absent, hex]
      additionalProperties: false
      properties:
        height: {$ref: "#/components/schemas/Height"}
        round: {$ref: "#/components/schemas/Round"}
        blockId: {$ref: "#/components/schemas/Hash"}
        precommits:
          type: array
          maxItems: 10000
          items: {$ref: "#/components/schemas/PoweredPrecommit"}
        signedPower: {$ref: "#/components/schemas/TotalPower"}
        totalPower: {$ref: "#/components/schemas/TotalPower"}
        twoThirdsPlusOne:
          description: The least power that commits, floor(2 × totalPower / 3) + 1.
          allOf: [{$ref: "#/components/schemas/TotalPower"}]
        absent:
          type: array
          maxItems: 10000
          items: {$ref: "#/components/schemas/AbsentValidator"}
        hex:
          description: "The commit's canonical encoding (docs/protocol.md, section 17.6): 45 bytes and 76 per precommit, lowercase hex."
          type: string
          pattern: "^([0-9a-f]{2})+$"
    Validator:
      description: One validator of a set.
      type: object
      required: [index, address, publicKey, power, proposerPriority, signed, missed]
      additionalProperties: false
      properties:
        index: {$ref: "#/components/schemas/ValidatorIndex"}
        address: {$ref: "#/components/schemas/Address"}
        publicKey: {$ref: "#/components/schemas/PublicKey"}
        power: {$ref: "#/components/schemas/VotingPower"}
        proposerPriority:
          description: Its proposer priority at the height (the highest proposes; ties go to the lower address).
          type: integer
          minimum: -9223372036854775808
          maximum: 9223372036854775807
        signed: {type: integer, minimum: 0, maximum: 100, description: "Commits in `window` that carry its precommit."}
        missed: {type: integer, minimum: 0, maximum: 100, description: "Commits in `window` that lack it."}
    ValidatorSet:
      description: |
        The validator set that votes at `height`. `window` is the range of
        heights whose stored commits `signed` and `missed` count (the 100
        below `height`, from 1); it is left out at height 1.
      type: object
      required: [height, hash, totalPower, twoThirdsPlusOne, proposer, validators]
      additionalProperties: false
      properties:
        height: {type: integer, minimum: 1, maximum: 18446744073709551615}
        hash:
          description: The set's hash (docs/protocol.md, section 17.1), equal to the `validatorsHash` of that height's header.
          allOf: [{$ref: "#/components/schemas/Hash"}]
        totalPower: {$ref: "#/components/schemas/TotalPower"}
        twoThirdsPlusOne:
          description: The least power that commits, floor(2 × totalPower / 3) + 1.
          allOf: [{$ref: "#/components/schemas/TotalPower"}]
        proposer:
          description: The proposer of the height's first round (round 0).
          allOf: [{$ref: "#/components/schemas/Address"}]
        validators:
          type: array
          minItems: 1
          maxItems: 10000
          items: {$ref: "#/components/schemas/Validator"}
        window:
          type: object
          required: [from, to]
          additionalProperties: false
          properties:
            from: {type: integer, minimum: 1}
            to: {type: integer, minimum: 1}
    IncludedEvidence:
      description: Evidence of double signing (as in `Evidence`) with the height of the block that included it.
      type: object
      required: [includedAt, type, height, round, validatorIndex, validator, first, second]
      additionalProperties: false
      properties:
        includedAt: {type: integer, minimum: 2, description: The height of the block that included it.}
        type: {type: string, enum: [prevote, precommit]}
        height: {type: integer, minimum: 1}
        round: {$ref: "#/components/schemas/Round"}
        validatorIndex: {$ref: "#/components/schemas/ValidatorIndex"}
        validator: {$ref: "#/components/schemas/Address"}
        first: {$ref: "#/components/schemas/SignedVote"}
        second: {$ref: "#/components/schemas/SignedVote"}
    EvidenceList:
      type: object
      required: [evidence]
      additionalProperties: false
      properties:
        evidence:
          type: array
          maxItems: 100
          items: {$ref: "#/components/schemas/IncludedEvidence"}
    ConsensusRole:
      description: |
        What the node saw consensus as: a `validator` (with its `validatorIndex`; its own
        votes are among those counted) or a `follower` (it runs the rounds without voting
        and counts the votes gossip brings it).
      type: string
      enum: [validator, follower]
    RoundMs:
      description: Milliseconds since the node started the height (negative when the message arrived before it did).
      type: integer
      minimum: -9223372036854775808
      maximum: 9223372036854775807
    RoundDecision:
      description: The round whose precommits decided the height on this node, and the block.
      type: object
      required: [round, blockId, decidedMs]
      additionalProperties: false
      properties:
        round: {$ref: "#/components/schemas/Round"}
        blockId: {$ref: "#/components/schemas/Hash"}
        decidedMs: {$ref: "#/components/schemas/RoundMs"}
    RoundVote:
      description: A prevote or precommit the node counted; `blockId` is left out of a vote for nil.
      type: object
      required: [validatorIndex, validator, power, receivedMs]
      additionalProperties: false
      properties:
        validatorIndex: {$ref: "#/components/schemas/ValidatorIndex"}
        validator: {$ref: "#/components/schemas/Address"}
        blockId: {$ref: "#/components/schemas/Hash"}
        power: {$ref: "#/components/schemas/VotingPower"}
        receivedMs: {$ref: "#/components/schemas/RoundMs"}
    RoundTally:
      description: |
        The power of the validators that voted for one choice (a block, or nil when
        `blockId` is left out), and whether it reaches the height's `twoThirdsPlusOne`.
      type: object
      required: [power, votes, twoThirds]
      additionalProperties: false
      properties:
        blockId: {$ref: "#/components/schemas/Hash"}
        power: {$ref: "#/components/schemas/TotalPower"}
        votes: {type: integer, minimum: 1, maximum: 10000}
        twoThirds: {type: boolean}
    ConsensusRound:
      description: |
        One round as the node saw it. `proposer` and `startedMs` are left out of a round
        the node saw only through votes (it never entered it); `proposal` is left out when
        none arrived. `prevotePower` and `precommitPower` count each validator once.
      type: object
      required: [round, prevotes, precommits, prevoteTally, precommitTally, prevotePower, precommitPower, timeouts]
      additionalProperties: false
      properties:
        round: {$ref: "#/components/schemas/Round"}
        proposer:
          type: object
          required: [index, address, publicKey, power]
          additionalProperties: false
          properties:
            index: {$ref: "#/components/schemas/ValidatorIndex"}
            address: {$ref: "#/components/schemas/Address"}
            publicKey: {$ref: "#/components/schemas/PublicKey"}
            power: {$ref: "#/components/schemas/VotingPower"}
        startedMs: {$ref: "#/components/schemas/RoundMs"}
        proposal:
          type: object
          required: [blockId, polRound, receivedMs, own]
          additionalProperties: false
          properties:
            blockId: {$ref: "#/components/schemas/Hash"}
            polRound:
              description: The round whose prevotes back a re-proposed block, -1 for a fresh one.
              type: integer
              minimum: -1
              maximum: 4294967294
            receivedMs: {$ref: "#/components/schemas/RoundMs"}
            own: {type: boolean, description: Whether this node proposed it.}
        prevotes: {type: array, maxItems: 20000, items: {$ref: "#/components/schemas/RoundVote"}}
        precommits: {type: array, maxItems: 20000, items: {$ref: "#/components/schemas/RoundVote"}}
        prevoteTally: {type: array, maxItems: 20000, items: {$ref: "#/components/schemas/RoundTally"}}
        precommitTally: {type: array, maxItems: 20000, items: {$ref: "#/components/schemas/RoundTally"}}
        prevotePower: {$ref: "#/components/schemas/TotalPower"}
        precommitPower: {$ref: "#/components/schemas/TotalPower"}
        timeouts:
          type: array
          maxItems: 3
          items:
            type: object
            required: [kind, durationMs, firedMs]
            additionalProperties: false
            properties:
              kind: {type: string, enum: [propose, prevote, precommit]}
              durationMs: {$ref: "#/components/schemas/UInt64"}
              firedMs: {$ref: "#/components/schemas/RoundMs"}
    ConsensusHeight:
      description: |
        One height's rounds as the node saw them. `startedAt` (Unix milliseconds, for
        display) is left out while the node has only seen messages of the height arrive
        early; `decided` is left out while `inProgress` or when the node moved on by a
        peer's commit. `droppedRounds` counts rounds not kept (at most 32 are).
      type: object
      required: [height, role, inProgress, totalPower, twoThirdsPlusOne, rounds, droppedRounds]
      additionalProperties: false
      properties:
        height: {type: integer, minimum: 1, maximum: 18446744073709551615}
        role: {$ref: "#/components/schemas/ConsensusRole"}
        validatorIndex: {$ref: "#/components/schemas/ValidatorIndex"}
        startedAt: {$ref: "#/components/schemas/UInt64"}
        inProgress: {type: boolean}
        totalPower: {$ref: "#/components/schemas/TotalPower"}
        twoThirdsPlusOne:
          description: The least power that a rule needs, floor(2 × totalPower / 3) + 1.
          allOf: [{$ref: "#/components/schemas/TotalPower"}]
        rounds: {type: array, maxItems: 32, items: {$ref: "#/components/schemas/ConsensusRound"}}
        droppedRounds: {type: integer, minimum: 0}
        decided: {$ref: "#/components/schemas/RoundDecision"}
    ConsensusHeights:
      description: |
        The recent heights the node's consensus driver ran, newest first; `kept` is how
        many heights the node keeps in memory. `startedAt` and `decided` are left out as
        in `ConsensusHeight`.
      type: object
      required: [role, currentHeight, kept, heights]
      additionalProperties: false
      properties:
        role: {$ref: "#/components/schemas/ConsensusRole"}
        validatorIndex: {$ref: "#/components/schemas/ValidatorIndex"}
        currentHeight: {$ref: "#/components/schemas/UInt64"}
        kept: {type: integer, minimum: 1}
        heights:
          type: array
          maxItems: 100
          items:
            type: object
            required: [height, rounds, timeouts]
            additionalProperties: false
            properties:
              height: {type: integer, minimum: 1, maximum: 18446744073709551615}
              startedAt: {$ref: "#/components/schemas/UInt64"}
              rounds: {type: integer, minimum: 0, maximum: 32}
              timeouts: {type: integer, minimum: 0}
              decided: {$ref: "#/components/schemas/RoundDecision"}

    # --- transactions ----------------------------------------------------
    Tx:
      description: |
        A signed transaction: a transfer, or a contract deploy or call
        (`kind`; docs/protocol.md 6.5). For a deploy `to` is the new
        contract's address and for a call the contract called; `amount` is
        attached to the contract; `fee` is the gas limit times the gas price
        (the most it can cost; the unused gas is refunded) and `memo` is empty.
        An exchange transaction (docs/protocol.md 19.2) carries its fields in
        `exchange`; its `amount` is 0 and its `to` is the recipient of a
        `transfer-asset` (the all-zero address otherwise).
      type: object
      required: [id, chainId, from, to, amount, fee, nonce, memo, publicKey, signature, size, kind]
      additionalProperties: false
      properties:
        id: {$ref: "#/components/schemas/Hash"}
        chainId: {$ref: "#/components/schemas/ChainId"}
        from: {$ref: "#/components/schemas/Address"}
        to: {$ref: "#/components/schemas/Address"}
        amount: {$ref: "#/components/schemas/Amount"}
        fee: {$ref: "#/components/schemas/Amount"}
        nonce: {$ref: "#/components/schemas/UInt64"}
        memo:
          description: The memo's bytes as lowercase hex (empty string for no memo), at most 256 bytes.
          type: string
          pattern: "^([0-9a-f]{2}){0,256}$"
        publicKey:
          description: The sender's Ed25519 public key, 32 bytes.
          type: string
          pattern: "^[0-9a-f]{64}$"
        signature:
          description: Ed25519 signature, 64 bytes.
          type: string
          pattern: "^[0-9a-f]{128}$"
        size: {type: integer, minimum: 100, maximum: 196751, description: Encoded size in bytes.}
        kind:
          type: string
          enum: [transfer, deploy, call, create-asset, mint-asset, transfer-asset, create-market, place-order, cancel-order, replace-order]
        contract: {$ref: "#/components/schemas/ContractAction"}
        exchange: {$ref: "#/components/schemas/ExchangeAction"}
    ContractAction:
      description: A deploy's or call's own fields (left out of transfers).
      type: object
      required: [gasLimit, gasPrice, input]
      additionalProperties: false
      properties:
        gasLimit: {type: integer, minimum: 0, maximum: 100000000}
        gasPrice: {$ref: "#/components/schemas/Amount"}
        method: {type: string, pattern: "^[a-z0-9_]{1,64}$", description: The method a call runs.}
        input:
          description: The encoded arguments (of `init` for a deploy) as lowercase hex.
          type: string
          pattern: "^([0-9a-f]{2})*$"
        codeHash: {$ref: "#/components/schemas/Hash"}
        codeSize: {type: integer, minimum: 0, maximum: 131072, description: A deploy's module size in bytes.}
    MerkleProof:
      description: Inclusion proof of a transaction id in its block's Merkle tree.
      type: object
      required: [index, treeSize, path]
      additionalProperties: false
      properties:
        index: {type: integer, minimum: 0}
        treeSize: {type: integer, minimum: 1}
        path:
          description: Sibling hashes from the leaf up.
          type: array
          items: {$ref: "#/components/schemas/Hash"}
    TxInfo:
      description: A transaction and where it stands. `blockId`, `height`, `position` and `proof` are present exactly when `status` is `confirmed`.
      type: object
      required: [id, status, confirmations, tx]
      additionalProperties: false
      properties:
        id: {$ref: "#/components/schemas/Hash"}
        status: {type: string, enum: [pending, confirmed]}
        blockId: {$ref: "#/components/schemas/Hash"}
        height: {$ref: "#/components/schemas/Height"}
        position: {type: integer, minimum: 0, description: Index of the transaction in its block.}
        confirmations: {type: integer, minimum: 0}
        tx: {$ref: "#/components/schemas/Tx"}
        proof: {$ref: "#/components/schemas/MerkleProof"}
        receipt: {$ref: "#/components/schemas/Receipt"}
      if:
        properties:
          status: {const: confirmed}
      then:
        required: [blockId, height, position, proof]
        properties:
          confirmations: {minimum: 1}
      else:
        properties:
          confirmations: {const: 0}
        not:
          anyOf:
            - required: [blockId]
            - required: [height]
            - required: [position]
            - required: [proof]
    SubmitRequest:
      type: object
      required: [tx]
      # An object with `txs` is a batch, whatever else it holds.
      not: {required: [txs]}
      properties:
        tx:
          description: The transaction's canonical encoding as hex (145 to 196,751 bytes).
          type: string
          pattern: "^([0-9a-fA-F]{2})+$"
          minLength: 290
          maxLength: 393502
    Submitted:
      type: object
      required: [id]
      additionalProperties: false
      properties:
        id: {$ref: "#/components/schemas/Hash"}
    SubmitBatchRequest:
      type: object
      required: [txs]
      properties:
        txs:
          description: |
            1 to 256 transactions, each its canonical encoding as hex (145 to
            196,751 bytes). An item that is not (odd or non-hex digits, too long,
            not a canonical transaction) does not refuse the batch: its result
            carries the error (`bad_request`, `too_large`, `invalid_encoding`).
          type: array
          minItems: 1
          maxItems: 256
          items:
            type: string
    BatchSubmitted:
      type: object
      required: [accepted, results]
      additionalProperties: false
      properties:
        accepted:
          description: How many of the batch's transactions were admitted.
          type: integer
          minimum: 0
          maximum: 256
        results:
          description: One per transaction of the batch, in order.
          type: array
          items:
            type: object
            additionalProperties: false
            properties:
              id:
                description: The transaction's id, when it decoded.
                allOf: [{$ref: "#/components/schemas/Hash"}]
              error:
                description: Why it was refused (absent when it was admitted).
                type: object
                required: [code, message]
                additionalProperties: false
                properties:
                  code: {type: string}
                  message: {type: string}

    # --- accounts --------------------------------------------------------
    Terminal:
      description: Where the proof's walk down the state tree ended.
      oneOf:
        - description: The key's own leaf (inclusion); a contract's leaf also holds its code hash and storage root.
          type: object
          required: [kind, balance, nonce]
          additionalProperties: false
          properties:
            kind: {const: account}
            balance: {$ref: "#/components/schemas/Amount"}
            nonce: {$ref: "#/components/schemas/UInt64"}
            codeHash: {$ref: "#/components/schemas/Hash"}
            storageRoot: {$ref: "#/components/schemas/Hash"}
        - description: An empty subtree (the account is absent).
          type: object
          required: [kind]
          additionalProperties: false
          properties:
            kind: {const: empty}
        - description: Another key's leaf where this key's would be (the account is absent).
          type: object
          required: [kind, key, balance, nonce]
          additionalProperties: false
          properties:
            kind: {const: otherLeaf}
            key: {$ref: "#/components/schemas/AddressKey"}
            balance: {$ref: "#/components/schemas/Amount"}
            nonce: {$ref: "#/components/schemas/UInt64"}
            codeHash: {$ref: "#/components/schemas/Hash"}
            storageRoot: {$ref: "#/components/schemas/Hash"}
    StateProof:
      type: object
      required: [key, siblings, terminal]
      additionalProperties: false
      properties:
        key: {$ref: "#/components/schemas/AddressKey"}
        siblings:
          description: The hash of the other child at each depth, top first.
          type: array
          maxItems: 160
          items: {$ref: "#/components/schemas/Hash"}
        terminal: {$ref: "#/components/schemas/Terminal"}
    AccountInfo:
      type: object
      required: [address, balance, nonce, pendingNonce, pending, height, stateRoot, proof]
      additionalProperties: false
      properties:
        address: {$ref: "#/components/schemas/Address"}
        balance: {$ref: "#/components/schemas/Amount"}
        nonce: {$ref: "#/components/schemas/UInt64"}
        pendingNonce: {$ref: "#/components/schemas/UInt64"}
        pending: {type: integer, minimum: 0}
        height: {$ref: "#/components/schemas/Height"}
        stateRoot: {$ref: "#/components/schemas/Hash"}
        proof: {$ref: "#/components/schemas/StateProof"}
        gap: {$ref: "#/components/schemas/NonceGap"}
        codeHash:
          description: A contract's code hash (left out of other accounts).
          $ref: "#/components/schemas/Hash"
        storageRoot:
          description: A contract's storage root (left out of other accounts).
          $ref: "#/components/schemas/Hash"
    # --- contracts -------------------------------------------------------
    HexBytes:
      description: Bytes as lowercase hex.
      type: string
      pattern: "^([0-9a-f]{2})*$"
    Contract:
      type: object
      required: [address, codeHash, codeSize, methods, balance, storageRoot, storageKeys, height, stateRoot]
      additionalProperties: false
      properties:
        address: {$ref: "#/components/schemas/Address"}
        codeHash: {$ref: "#/components/schemas/Hash"}
        codeSize: {type: integer, minimum: 0, maximum: 131072}
        methods:
          description: The exported methods, sorted.
          type: array
          items: {type: string, pattern: "^[a-z0-9_]{1,64}$"}
        balance: {$ref: "#/components/schemas/Amount"}
        storageRoot: {$ref: "#/components/schemas/Hash"}
        storageKeys: {type: integer, minimum: 0}
        height: {$ref: "#/components/schemas/Height"}
        stateRoot: {$ref: "#/components/schemas/Hash"}
    StorageListing:
      type: object
      required: [contract, entries]
      additionalProperties: false
      properties:
        contract: {$ref: "#/components/schemas/Address"}
        entries:
          type: array
          items:
            type: object
            required: [key, value]
            additionalProperties: false
            properties:
              key: {$ref: "#/components/schemas/HexBytes"}
              value: {$ref: "#/components/schemas/HexBytes"}
        next: {$ref: "#/components/schemas/HexBytes"}
    StorageAnswer:
      type: object
      required: [contract, key, storageRoot, proof, accountProof, height, stateRoot]
      additionalProperties: false
      properties:
        contract: {$ref: "#/components/schemas/Address"}
        key: {$ref: "#/components/schemas/HexBytes"}
        value:
          description: The stored value (left out when the key is absent).
          $ref: "#/components/schemas/HexBytes"
        storageRoot: {$ref: "#/components/schemas/Hash"}
        proof:
          description: The key's walk down the storage tree, along the bits of SHA-256(key).
          type: object
          required: [key, siblings, terminal]
          additionalProperties: false
          properties:
            key: {$ref: "#/components/schemas/HexBytes"}
            siblings:
              type: array
              maxItems: 256
              items: {$ref: "#/components/schemas/Hash"}
            terminal:
              oneOf:
                - type: object
                  required: [kind, value]
                  additionalProperties: false
                  properties:
                    kind: {const: value}
                    value: {$ref: "#/components/schemas/HexBytes"}
                - type: object
                  required: [kind]
                  additionalProperties: false
                  properties:
                    kind: {const: empty}
                - type: object
                  required: [kind, keyHash, valueHash]
                  additionalProperties: false
                  properties:
                    kind: {const: otherLeaf}
                    keyHash: {$ref: "#/components/schemas/Hash"}
                    valueHash: {$ref: "#/components/schemas/Hash"}
        accountProof: {$ref: "#/components/schemas/StateProof"}
        height: {$ref: "#/components/schemas/Height"}
        stateRoot: {$ref: "#/components/schemas/Hash"}
    Event:
      type: object
      required: [contract, topic, data]
      additionalProperties: false
      properties:
        contract: {$ref: "#/components/schemas/Address"}
        topic: {type: string, description: The topic as UTF-8 (invalid sequences replaced).}
        data: {$ref: "#/components/schemas/HexBytes"}
    Receipt:
      description: |
        What a confirmed deploy, call or exchange transaction did. A failed one's writes were undone; it paid
        its gas (its fee, for an exchange transaction) all the same. An exchange transaction's `contract` is the
        exchange's module account and its `failure` says why the exchange refused it; a `create-asset`'s
        `output` is the new asset's id (big-endian u32).
      type: object
      required: [contract, gasUsed, succeeded, events, output]
      additionalProperties: false
      properties:
        contract: {$ref: "#/components/schemas/Address"}
        gasUsed: {type: integer, minimum: 0, maximum: 100000000}
        succeeded: {type: boolean}
        failure: {type: string, description: Why it failed (left out when it succeeded).}
        events: {type: array, items: {$ref: "#/components/schemas/Event"}}
        output: {$ref: "#/components/schemas/HexBytes"}
    QueryRequest:
      type: object
      required: [method]
      properties:
        method: {type: string, pattern: "^[a-z0-9_]{1,64}$"}
        args:
          description: The encoded arguments as hex (docs/protocol.md 18.3; default none).
          type: string
          pattern: "^([0-9a-fA-F]{2})*$"
        caller: {$ref: "#/components/schemas/Address"}
    QueryAnswer:
      type: object
      required: [succeeded, output, gasUsed, events, height]
      additionalProperties: false
      properties:
        succeeded: {type: boolean}
        failure: {type: string}
        output: {$ref: "#/components/schemas/HexBytes"}
        gasUsed: {type: integer, minimum: 0, maximum: 10000000}
        events: {type: array, items: {$ref: "#/components/schemas/Event"}}
        height: {$ref: "#/components/schemas/Height"}
    NonceGap:
      description: Pending transactions of the sender that wait behind a nonce the node does not hold.
      type: object
      required: [missingNonce, waitingFrom, waiting]
      additionalProperties: false
      properties:
        missingNonce:
          description: The nonce no pending transaction has (the account's pendingNonce).
          $ref: "#/components/schemas/UInt64"
        waitingFrom:
          description: The lowest pending nonce above it.
          $ref: "#/components/schemas/UInt64"
        waiting: {type: integer, minimum: 1, description: How many pending transactions wait behind it.}
    History:
      type: object
      required: [address, transactions]
      additionalProperties: false
      properties:
        address: {$ref: "#/components/schemas/Address"}
        transactions:
          type: array
          maxItems: 100
          items: {$ref: "#/components/schemas/TxInfo"}
        next:
          description: The `before` cursor for the next page (`HEIGHT:POSITION` of the page's last transaction); left out when the page is not full.
          type: string
          pattern: "^[0-9]+:[0-9]+$"

    # --- network ---------------------------------------------------------
    Peer:
      type: object
      required: [address, direction, bytesIn, bytesOut, blocksIn, score]
      additionalProperties: false
      properties:
        address: {type: string}
        direction: {type: string, enum: [inbound, outbound]}
        nodeId: {type: string, pattern: "^[0-9a-f]{1,16}$"}
        height: {type: integer, minimum: 0}
        userAgent: {type: string}
        latencyMs: {type: integer, minimum: 0}
        bytesIn: {type: integer, minimum: 0}
        bytesOut: {type: integer, minimum: 0}
        blocksIn: {type: integer, minimum: 0, description: "Blocks this peer sent us (sync downloads and announcements)."}
        score: {type: integer, minimum: 0}
    Peers:
      type: object
      required: [peers]
      additionalProperties: false
      properties:
        peers: {type: array, items: {$ref: "#/components/schemas/Peer"}}
    BanEntry:
      type: object
      required: [address, until, reason]
      additionalProperties: false
      properties:
        address: {type: string}
        until: {type: integer, minimum: 0}
        reason: {type: string}
    Bans:
      type: object
      required: [bans]
      additionalProperties: false
      properties:
        bans: {type: array, items: {$ref: "#/components/schemas/BanEntry"}}

    # --- block tree ------------------------------------------------------
    TreeBlock:
      type: object
      required: [id, height, previousId, timestamp, status, onBestChain]
      additionalProperties: false
      properties:
        id: {$ref: "#/components/schemas/Hash"}
        height: {type: integer, minimum: 0}
        previousId: {$ref: "#/components/schemas/Hash"}
        timestamp: {type: integer, minimum: 0, description: Unix seconds, from the header.}
        status: {type: string, enum: [valid, headerValid, invalid]}
        onBestChain: {type: boolean}
    BlockTree:
      type: object
      required: [height, tip, blocks]
      additionalProperties: false
      properties:
        height: {type: integer, minimum: 0, description: The best chain's height.}
        tip: {$ref: "#/components/schemas/Hash"}
        blocks: {type: array, maxItems: 1000, items: {$ref: "#/components/schemas/TreeBlock"}}

    # --- mempool ---------------------------------------------------------
    PoolEntry:
      type: object
      required: [id, from, to, nonce, amount, fee, size, arrival]
      additionalProperties: false
      properties:
        id: {$ref: "#/components/schemas/Hash"}
        from: {$ref: "#/components/schemas/Address"}
        to: {$ref: "#/components/schemas/Address"}
        nonce: {$ref: "#/components/schemas/UInt64"}
        amount: {$ref: "#/components/schemas/Amount"}
        fee: {$ref: "#/components/schemas/Amount"}
        size: {type: integer, minimum: 145, maximum: 196751}
        arrival: {type: integer, minimum: 0, description: When it entered the mempool, Unix time in seconds.}
    Mempool:
      type: object
      required: [count, bytes, transactions]
      additionalProperties: false
      properties:
        count: {type: integer, minimum: 0, description: Transactions in the whole mempool.}
        bytes: {type: integer, minimum: 0, description: Their total encoded size.}
        transactions:
          type: array
          maxItems: 10000
          items: {$ref: "#/components/schemas/PoolEntry"}

    # --- events ----------------------------------------------------------
    BlockEventMessage:
      description: "A `block` event as the stream sends it: `data` is the JSON of a `BlockEvent`."
      type: object
      required: [event, data]
      properties:
        event: {const: block}
        data:
          type: string
          contentMediaType: application/json
          contentSchema: {$ref: "#/components/schemas/BlockEvent"}
    TxEventMessage:
      description: "A `tx` event as the stream sends it: `data` is the JSON of a `TxEvent`."
      type: object
      required: [event, data]
      properties:
        event: {const: tx}
        data:
          type: string
          contentMediaType: application/json
          contentSchema: {$ref: "#/components/schemas/TxEvent"}
    ReorgEventMessage:
      description: "A `reorg` event as the stream sends it: `data` is the JSON of a `ReorgEvent`."
      type: object
      required: [event, data]
      properties:
        event: {const: reorg}
        data:
          type: string
          contentMediaType: application/json
          contentSchema: {$ref: "#/components/schemas/ReorgEvent"}
    SideEventMessage:
      description: "A `side` event as the stream sends it: `data` is the JSON of a `SideEvent`."
      type: object
      required: [event, data]
      properties:
        event: {const: side}
        data:
          type: string
          contentMediaType: application/json
          contentSchema: {$ref: "#/components/schemas/SideEvent"}
    BlockEvent:
      description: Data of a `block` event.
      type: object
      required: [height, id, txCount]
      additionalProperties: false
      properties:
        height: {$ref: "#/components/schemas/Height"}
        id: {$ref: "#/components/schemas/Hash"}
        txCount: {type: integer, minimum: 0}
    TxEvent:
      description: Data of a `tx` event.
      type: object
      required: [id]
      additionalProperties: false
      properties:
        id: {$ref: "#/components/schemas/Hash"}
    SideEvent:
      description: Data of a `side` event.
      type: object
      required: [height, id]
      additionalProperties: false
      properties:
        height: {$ref: "#/components/schemas/Height"}
        id: {$ref: "#/components/schemas/Hash"}
    ReorgEvent:
      description: Data of a `reorg` event.
      type: object
      required: [disconnected, connected, height, tip]
      additionalProperties: false
      properties:
        disconnected: {type: integer, minimum: 0, description: Blocks taken off the old best chain.}
        connected: {type: integer, minimum: 0, description: Blocks put on from the new branch.}
        height: {$ref: "#/components/schemas/Height"}
        tip: {$ref: "#/components/schemas/Hash"}
    TradeEventMessage:
      description: "A `trade` event as the stream sends it: `data` is the JSON of a `TradeEvent`."
      type: object
      required: [event, data]
      properties:
        event: {const: trade}
        data:
          type: string
          contentMediaType: application/json
          contentSchema: {$ref: "#/components/schemas/TradeEvent"}
    TradeEvent:
      description: Data of a `trade` event.
      type: object
      required: [market, pair, height, price, lots]
      additionalProperties: false
      properties:
        market: {$ref: "#/components/schemas/MarketName"}
        pair: {$ref: "#/components/schemas/PairName"}
        height: {$ref: "#/components/schemas/Height"}
        price: {type: integer, minimum: 1}
        lots: {type: integer, minimum: 1}
    # --- exchange --------------------------------------------------------
    AssetId:
      description: An asset's id (KSR is 0).
      type: integer
      minimum: 0
      maximum: 4294967295
    Symbol:
      description: An asset's symbol (2-12 of A-Z and 0-9, starting with a letter), or its id in digits where the symbol is unknown.
      type: string
      pattern: "^([A-Z][A-Z0-9]{1,11}|[0-9]{1,10})$"
    MarketName:
      description: A market as `BASE-QUOTE` by symbols.
      type: string
      pattern: "^([A-Z][A-Z0-9]{1,11}|[0-9]{1,10})-([A-Z][A-Z0-9]{1,11}|[0-9]{1,10})$"
    PairName:
      description: A market as `BASE-QUOTE` by asset ids.
      type: string
      pattern: "^[0-9]{1,10}-[0-9]{1,10}$"
    Asset:
      type: object
      required: [id, symbol, decimals, supply, mintable]
      additionalProperties: false
      properties:
        id: {$ref: "#/components/schemas/AssetId"}
        symbol: {$ref: "#/components/schemas/Symbol"}
        decimals: {type: integer, minimum: 0, maximum: 18, description: Decimal places wallets show (KSR 8).}
        supply: {type: integer, minimum: 0, maximum: 4611686018427387904, description: Base units issued so far.}
        mintable: {type: boolean, description: Whether the issuer may mint more.}
        issuer: {$ref: "#/components/schemas/Address"}
    AssetList:
      type: object
      required: [assets, height]
      additionalProperties: false
      properties:
        assets: {type: array, items: {$ref: "#/components/schemas/Asset"}}
        height: {$ref: "#/components/schemas/Height"}
    AssetRef:
      type: object
      required: [id, symbol, decimals]
      additionalProperties: false
      properties:
        id: {$ref: "#/components/schemas/AssetId"}
        symbol: {$ref: "#/components/schemas/Symbol"}
        decimals: {type: integer, minimum: 0, maximum: 18}
    Holding:
      type: object
      required: [asset, symbol, decimals, available, locked]
      additionalProperties: false
      properties:
        asset: {$ref: "#/components/schemas/AssetId"}
        symbol: {$ref: "#/components/schemas/Symbol"}
        decimals: {type: integer, minimum: 0, maximum: 18}
        available: {$ref: "#/components/schemas/UInt64"}
        locked: {$ref: "#/components/schemas/UInt64"}
    AccountAssets:
      type: object
      required: [address, height, stateRoot, balances, openOrders]
      additionalProperties: false
      properties:
        address: {$ref: "#/components/schemas/Address"}
        height: {$ref: "#/components/schemas/Height"}
        stateRoot: {$ref: "#/components/schemas/Hash"}
        balances: {type: array, items: {$ref: "#/components/schemas/Holding"}}
        openOrders: {type: integer, minimum: 0, maximum: 256}
    Market:
      type: object
      required: [market, pair, base, quote, lotSize, tickSize, minLots, makerFeeBps, takerFeeBps, creator, openedAt]
      additionalProperties: false
      properties:
        market: {$ref: "#/components/schemas/MarketName"}
        pair: {$ref: "#/components/schemas/PairName"}
        base: {$ref: "#/components/schemas/AssetRef"}
        quote: {$ref: "#/components/schemas/AssetRef"}
        lotSize: {type: integer, minimum: 1, description: Base units in one lot.}
        tickSize: {type: integer, minimum: 1, description: Prices (quote units per lot) are multiples of this.}
        minLots: {type: integer, minimum: 1, description: The smallest order in lots.}
        makerFeeBps: {type: integer, minimum: 0, maximum: 1000}
        takerFeeBps: {type: integer, minimum: 0, maximum: 1000}
        creator: {$ref: "#/components/schemas/Address"}
        openedAt: {$ref: "#/components/schemas/Height"}
        lastPrice: {type: integer, minimum: 1, description: The last auction's price (left out before the first trade).}
        bestBid: {type: integer, minimum: 1, description: The highest open buy's price (left out when there is none).}
        bestAsk: {type: integer, minimum: 1, description: The lowest open sell's price (left out when there is none).}
    MarketList:
      type: object
      required: [markets, height]
      additionalProperties: false
      properties:
        markets: {type: array, items: {$ref: "#/components/schemas/Market"}}
        height: {$ref: "#/components/schemas/Height"}
    BookLevel:
      type: object
      required: [price, lots, orders]
      additionalProperties: false
      properties:
        price: {type: integer, minimum: 1}
        lots: {type: integer, minimum: 1}
        orders: {type: integer, minimum: 1}
    Book:
      type: object
      required: [market, pair, height, bids, asks]
      additionalProperties: false
      properties:
        market: {$ref: "#/components/schemas/MarketName"}
        pair: {$ref: "#/components/schemas/PairName"}
        height: {$ref: "#/components/schemas/Height"}
        bids: {type: array, description: Highest price first., items: {$ref: "#/components/schemas/BookLevel"}}
        asks: {type: array, description: Lowest price first., items: {$ref: "#/components/schemas/BookLevel"}}
    Trade:
      description: One block's auction of a market.
      type: object
      required: [height, time, price, lots, quoteVolume, fills]
      additionalProperties: false
      properties:
        height: {$ref: "#/components/schemas/Height"}
        time: {$ref: "#/components/schemas/UInt64"}
        price: {type: integer, minimum: 1}
        lots: {type: integer, minimum: 1}
        quoteVolume: {$ref: "#/components/schemas/UInt64"}
        fills: {type: integer, minimum: 2, description: Orders filled (at least one buy and one sell).}
    Trades:
      type: object
      required: [market, pair, trades]
      additionalProperties: false
      properties:
        market: {$ref: "#/components/schemas/MarketName"}
        pair: {$ref: "#/components/schemas/PairName"}
        trades: {type: array, items: {$ref: "#/components/schemas/Trade"}}
        next: {type: integer, minimum: 1, description: "`before` for the next page (left out on the last)."}
    Candle:
      type: object
      required: [time, open, high, low, close, lots, quoteVolume, auctions]
      additionalProperties: false
      properties:
        time: {$ref: "#/components/schemas/UInt64"}
        open: {type: integer, minimum: 1}
        high: {type: integer, minimum: 1}
        low: {type: integer, minimum: 1}
        close: {type: integer, minimum: 1}
        lots: {$ref: "#/components/schemas/UInt64"}
        quoteVolume: {$ref: "#/components/schemas/UInt64"}
        auctions: {type: integer, minimum: 1}
    Candles:
      type: object
      required: [market, pair, interval, candles]
      additionalProperties: false
      properties:
        market: {$ref: "#/components/schemas/MarketName"}
        pair: {$ref: "#/components/schemas/PairName"}
        interval: {type: integer, enum: [60, 300, 3600, 86400]}
        candles: {type: array, items: {$ref: "#/components/schemas/Candle"}}
    OrderFill:
      type: object
      required: [height, price, lots, fee, maker]
      additionalProperties: false
      properties:
        height: {$ref: "#/components/schemas/Height"}
        price: {type: integer, minimum: 1}
        lots: {type: integer, minimum: 1}
        fee: {$ref: "#/components/schemas/UInt64"}
        maker: {type: boolean}
    Order:
      type: object
      required: [id, market, pair, owner, side, type, price, lots, openLots, filledLots, status]
      additionalProperties: false
      properties:
        id: {$ref: "#/components/schemas/Hash"}
        market: {$ref: "#/components/schemas/MarketName"}
        pair: {$ref: "#/components/schemas/PairName"}
        owner: {$ref: "#/components/schemas/Address"}
        side: {type: string, enum: [buy, sell]}
        type: {type: string, enum: [limit, ioc, post-only, market]}
        price: {type: integer, minimum: 1, description: The limit in quote units per lot (a market order's worst price).}
        lots: {type: integer, minimum: 1, description: Lots placed.}
        openLots: {type: integer, minimum: 0, description: Lots still open (0 unless open).}
        filledLots: {type: integer, minimum: 0}
        expiry: {$ref: "#/components/schemas/Height"}
        status: {type: string, enum: [pending, open, filled, closed, refused]}
        height: {$ref: "#/components/schemas/Height"}
        failure: {type: string, description: Why the exchange refused it.}
        fills: {type: array, items: {$ref: "#/components/schemas/OrderFill"}}
        closedBy: {$ref: "#/components/schemas/ClosedBy"}
    ClosedBy:
      type: object
      description: How a closed order left the book with lots unfilled (left out when the node cannot tell).
      required: [reason, height]
      additionalProperties: false
      properties:
        reason:
          type: string
          enum: [cancelled, replaced, expired, immediate, post-only-crossed]
          description: |
            cancelled: its owner cancelled it (`cancel` is that transaction);
            replaced: its owner replaced it by a new order (`cancel` is that
            transaction, whose id is the new order's);
            expired: it left at the end of its expiry height; immediate: an
            immediate-or-cancel or market order, whose unfilled rest was
            cancelled after its own block's auction; post-only-crossed: a
            post-only order that would have crossed the book.
        height: {$ref: "#/components/schemas/Height"}
        cancel: {$ref: "#/components/schemas/Hash"}
    AccountFill:
      type: object
      required: [height, time, market, pair, order, side, price, lots, fee, feeAsset, maker]
      additionalProperties: false
      properties:
        height: {$ref: "#/components/schemas/Height"}
        time: {$ref: "#/components/schemas/UInt64"}
        market: {$ref: "#/components/schemas/MarketName"}
        pair: {$ref: "#/components/schemas/PairName"}
        order: {$ref: "#/components/schemas/Hash"}
        side: {type: string, enum: [buy, sell]}
        price: {type: integer, minimum: 1, description: The auction's clearing price in quote units per lot.}
        lots: {type: integer, minimum: 1}
        fee: {$ref: "#/components/schemas/UInt64", description: Taken from what the order received, in `feeAsset`'s base units.}
        feeAsset: {$ref: "#/components/schemas/AssetRef"}
        maker: {type: boolean, description: True when the order rested from an earlier block (it paid the maker fee).}
    AccountFills:
      type: object
      required: [address, height, fills]
      additionalProperties: false
      properties:
        address: {$ref: "#/components/schemas/Address"}
        height: {$ref: "#/components/schemas/Height"}
        fills: {type: array, items: {$ref: "#/components/schemas/AccountFill"}}
        next: {$ref: "#/components/schemas/Height"}
    OrderList:
      type: object
      required: [address, height, orders]
      additionalProperties: false
      properties:
        address: {$ref: "#/components/schemas/Address"}
        height: {$ref: "#/components/schemas/Height"}
        orders: {type: array, maxItems: 256, items: {$ref: "#/components/schemas/Order"}}
    Fill:
      type: object
      required: [order, owner, side, lots, fee, maker, limit]
      additionalProperties: false
      properties:
        order: {$ref: "#/components/schemas/Hash"}
        owner: {$ref: "#/components/schemas/Address"}
        side: {type: string, enum: [buy, sell]}
        lots: {type: integer, minimum: 1}
        fee: {$ref: "#/components/schemas/UInt64", description: Taken from what the order received, in that asset's base units.}
        maker: {type: boolean, description: True when the order rested from an earlier block (it paid the maker fee).}
        limit: {type: integer, minimum: 1, description: The order's limit price.}
    ClearingLevel:
      type: object
      required: [price, demand, supply]
      additionalProperties: false
      properties:
        price: {type: integer, minimum: 1}
        demand: {$ref: "#/components/schemas/UInt64"}
        supply: {$ref: "#/components/schemas/UInt64"}
    Clearing:
      type: object
      required: [market, pair, price, lots, quoteVolume, fills, levels]
      additionalProperties: false
      properties:
        market: {$ref: "#/components/schemas/MarketName"}
        pair: {$ref: "#/components/schemas/PairName"}
        price: {type: integer, minimum: 1, description: The one clearing price, quote units per lot.}
        lots: {type: integer, minimum: 1}
        quoteVolume: {$ref: "#/components/schemas/UInt64"}
        fills: {type: array, description: By order id., items: {$ref: "#/components/schemas/Fill"}}
        levels: {type: array, description: Ascending by price., items: {$ref: "#/components/schemas/ClearingLevel"}}
    BlockClearings:
      type: object
      required: [blockId, height, time, onBestChain, clearings]
      additionalProperties: false
      properties:
        blockId: {$ref: "#/components/schemas/Hash"}
        height: {$ref: "#/components/schemas/Height"}
        time: {$ref: "#/components/schemas/UInt64"}
        onBestChain: {type: boolean}
        clearings: {type: array, items: {$ref: "#/components/schemas/Clearing"}}
    ExchangeAction:
      description: An exchange transaction's own fields (left out of other transactions); fields its kind lacks are left out.
      type: object
      required: [action]
      additionalProperties: false
      properties:
        action: {type: string, enum: [create-asset, mint-asset, transfer-asset, create-market, place-order, cancel-order, replace-order]}
        asset: {$ref: "#/components/schemas/AssetId"}
        symbol: {$ref: "#/components/schemas/Symbol"}
        decimals: {type: integer, minimum: 0, maximum: 18}
        supply: {$ref: "#/components/schemas/UInt64"}
        mintable: {type: boolean}
        amount: {$ref: "#/components/schemas/UInt64"}
        market: {$ref: "#/components/schemas/MarketName"}
        pair: {$ref: "#/components/schemas/PairName"}
        lotSize: {$ref: "#/components/schemas/UInt64"}
        tickSize: {$ref: "#/components/schemas/UInt64"}
        minLots: {$ref: "#/components/schemas/UInt64"}
        makerFeeBps: {type: integer, minimum: 0, maximum: 65535}
        takerFeeBps: {type: integer, minimum: 0, maximum: 65535}
        side: {type: string, enum: [buy, sell]}
        type: {type: string, enum: [limit, ioc, post-only, market]}
        price: {$ref: "#/components/schemas/UInt64"}
        lots: {$ref: "#/components/schemas/UInt64"}
        expiry: {$ref: "#/components/schemas/Height"}
        order: {$ref: "#/components/schemas/Hash"}
"""#
}
