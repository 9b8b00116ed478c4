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
        `Block`).
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
        (docs/protocol.md, section 6) in hex, 145 to 402 bytes. Other members
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
        (`429 rate_limited`, before the body is read); body at most 262,144
        bytes (`413 too_large`); body
        is JSON (`400 bad_json`, or `413 too_large` when it is also over
        65,536 bytes) and an object (`400 bad_request`). A batch
        (`txs` present): `txs` is an array (`422 wrong_type`) of 1
        (`400 bad_request`) to 256 (`413 too_large`; also when more than the
        client's rate limit allows in a minute) strings (`422 wrong_type`);
        rate limit (`429 rate_limited`); a backlogged mempool (`429
        mempool_full` for the whole batch, before any signature is checked,
        with `Retry-After`); then each transaction as below, in
        its result (`Retry-After` is sent when one of them met a full
        mempool). A single transaction: body at most 65,536
        bytes (`413 too_large`); rate limit (`429 rate_limited`); a `tx`
        member (`400 bad_request`) that is a string (`422 wrong_type`) of an
        even number of hex digits (`400 bad_request`) encoding at most 402
        bytes (`413 too_large`) that decode as a canonical transaction
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
          description: "`too_large`: the body is over 65,536 bytes, or the transaction over 402 bytes."
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
                type: string
                description: Server-sent events; the `data` of each event is one of BlockEvent, TxEvent, ReorgEvent or SideEvent, by its `event` name.
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
      description: Only blocks below this height (default all, from the tip).
      description: Only blocks (or transactions in blocks) with heights below this one; default none.
      schema: {type: integer, minimum: 0, maximum: 18446744073709551615}
    Limit:
      name: limit
      in: query
      required: false
      description: How many at most (1 to 100, default 20).
      schema: {type: integer, minimum: 1, maximum: 100, default: 20}

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
                not_found (404); method_not_allowed (405); too_large (413); wrong_type and the mempool
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
    NotFoundError:
      allOf:
        - $ref: "#/components/schemas/Error"
        - properties:
            error:
              properties:
                code: {const: not_found}
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
      required: [network, chainId, height, tip, chainwork, stateRoot, bits, difficulty, mempool, peers, syncing, bestPeerHeight, version, genesis]
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
        size: {type: integer, minimum: 149, description: The block's encoded size in bytes.}
        txCount: {type: integer, minimum: 0}
        transactions:
          type: array
          items: {$ref: "#/components/schemas/Hash"}
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

    # --- transactions ----------------------------------------------------
    Tx:
      description: A signed transfer.
      type: object
      required: [id, chainId, from, to, amount, fee, nonce, memo, publicKey, signature, size]
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
        size: {type: integer, minimum: 145, maximum: 402, description: Encoded size in bytes.}
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
          description: The transaction's canonical encoding as hex (145 to 402 bytes).
          type: string
          pattern: "^([0-9a-fA-F]{2})+$"
          minLength: 290
          maxLength: 804
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
            402 bytes). An item that is not (odd or non-hex digits, too long,
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
        - description: The key's own leaf (inclusion).
          type: object
          required: [kind, balance, nonce]
          additionalProperties: false
          properties:
            kind: {const: account}
            balance: {$ref: "#/components/schemas/Amount"}
            nonce: {$ref: "#/components/schemas/UInt64"}
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
        size: {type: integer, minimum: 145, maximum: 402}
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
"""#
}
