import FieldModels
import SyncEngine

/// The API as OpenAPI 3.0, served at `/openapi.yaml` (the attachment operations and schemas
/// are in `OpenAPIAttachments`). `OpenAPITests` checks that it names
/// exactly the routes the router answers and that real responses fit its schemas; CI runs
/// schemathesis against it.
enum OpenAPIDocument {
    static let yaml = """
    openapi: 3.0.3
    info:
      title: FieldSync sync API
      version: "1"
      description: |
        Field laptops enrol once with a one-time code, then sign every request with their
        Ed25519 key (headers X-Field-Device, X-Field-Nonce and X-Field-Signature over
        "FIELDSYNC-2\\nMETHOD\\nPATH\\nDEVICE\\nNONCE\\nsha256-hex(body)"). A nonce comes from
        /v1/nonce or from the X-Field-Next-Nonce header of the last signed answer, and is good
        for one request within ten minutes of the server's clock; the laptop's clock plays no part. A sync is: session, push of what
        the server lacks in batches, pull page by page until `next` is absent. Every transaction
        travels with its origin seal (the writing device's Ed25519 signature over the
        transaction's dot and the SHA-256 of each record's share of it, the canonical change
        encoding); pulls carry the server-issued certificate of each replica that wrote, so a
        receiver verifies where each change comes from. Bodies may be gzip
        (Content-Encoding: gzip). Errors are JSON with a code and a message in Bahasa Indonesia
        and English.
    paths:
      /openapi.yaml:
        get:
          operationId: openapi
          summary: This document.
          responses:
            "200":
              description: The OpenAPI document.
              content:
                application/yaml:
                  schema: {type: string}
      /v1/info:
        get:
          operationId: info
          summary: What the server is and speaks.
          responses:
            "200":
              description: Server information.
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/ServerInfo"}
      /v1/nonce:
        post:
          operationId: nonce
          summary: A nonce for the next signed request, and the server's clock.
          responses:
            "200":
              description: A fresh nonce.
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/NonceResponse"}
      /v1/enroll:
        post:
          operationId: enroll
          summary: Registers a device's public key with a one-time enrolment code.
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: "#/components/schemas/EnrollRequest"}
          responses:
            "200":
              description: Enrolled.
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/EnrollResponse"}
            "400": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "409": {$ref: "#/components/responses/Error"}
            "413": {$ref: "#/components/responses/Error"}
            "415": {$ref: "#/components/responses/Error"}
            "429":
              description: Too many wrong codes from this address; wait as Retry-After says.
              headers:
                Retry-After: {schema: {type: integer}, description: Seconds to wait.}
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/ErrorBody"}
      /v1/session:
        post:
          operationId: session
          summary: Who the device is, what it may see, and what the server holds.
          parameters: [{$ref: "#/components/parameters/Device"}, {$ref: "#/components/parameters/Nonce"}, {$ref: "#/components/parameters/Signature"}]
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: "#/components/schemas/SessionRequest"}
          responses:
            "200":
              description: The session.
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/SessionResponse"}
            "400": {$ref: "#/components/responses/Error"}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "413": {$ref: "#/components/responses/Error"}
            "415": {$ref: "#/components/responses/Error"}
      /v1/push:
        post:
          operationId: push
          summary: Applies one batch of changes atomically; the same batch id twice is applied once.
          parameters: [{$ref: "#/components/parameters/Device"}, {$ref: "#/components/parameters/Nonce"}, {$ref: "#/components/parameters/Signature"}]
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: "#/components/schemas/PushRequest"}
          responses:
            "200":
              description: Applied (or applied before).
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/PushResponse"}
            "400": {$ref: "#/components/responses/Error"}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "409": {$ref: "#/components/responses/Error"}
            "413": {$ref: "#/components/responses/Error"}
            "415": {$ref: "#/components/responses/Error"}
      /v1/digests:
        post:
          operationId: digests
          summary: The digests of the changes held under one of the calling agent's replica ids, for a restored laptop to find where its history and the server's part.
          parameters: [{$ref: "#/components/parameters/Device"}, {$ref: "#/components/parameters/Nonce"}, {$ref: "#/components/parameters/Signature"}]
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: "#/components/schemas/DigestsRequest"}
          responses:
            "200":
              description: A page of digests.
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/DigestsResponse"}
            "400": {$ref: "#/components/responses/Error"}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "413": {$ref: "#/components/responses/Error"}
            "415": {$ref: "#/components/responses/Error"}
      /v1/pull:
        post:
          operationId: pull
          summary: One page of the changes in the device's scope that its knowledge lacks.
          parameters: [{$ref: "#/components/parameters/Device"}, {$ref: "#/components/parameters/Nonce"}, {$ref: "#/components/parameters/Signature"}]
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: "#/components/schemas/PullRequest"}
          responses:
            "200":
              description: A page.
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/PullResponse"}
            "400": {$ref: "#/components/responses/Error"}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "413": {$ref: "#/components/responses/Error"}
            "415": {$ref: "#/components/responses/Error"}
    """ + "\n" + OpenAPIAttachments.paths + "\n" + """
    components:
      parameters:
        Device:
          name: X-Field-Device
          in: header
          required: true
          schema: {type: string}
        Nonce:
          name: X-Field-Nonce
          in: header
          required: true
          schema: {type: string}
        Signature:
          name: X-Field-Signature
          in: header
          required: true
          schema: {type: string}
      responses:
        Error:
          description: Refused; the body says why.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ErrorBody"}
      schemas:
        ErrorBody:
          type: object
          required: [error]
          properties:
            error:
              type: object
              required: [code, message, messageEn]
              properties:
                code: {type: string, enum: [\(ErrorCode.allCases.map(\.rawValue).joined(separator: ", "))], description: "One closed set of codes (ErrorCode). A refused change gets one about its grammar (400), its origin or the writer's rights (403), or a clash with what the server holds (409)."}
                message: {type: string, description: In Bahasa Indonesia.}
                messageEn: {type: string}
        ServerInfo:
          type: object
          required: [name, version, protocolVersion, recordTypes]
          properties:
            name: {type: string}
            version: {type: string}
            protocolVersion: {type: integer}
            recordTypes: {type: array, items: {type: string}}
        Dot:
          type: object
          required: [replica, counter]
          properties:
            replica: {type: string, pattern: "^[0-9A-Za-z]{1,32}$"}
            counter: {type: integer, minimum: 0, maximum: 9223372036854775807}
        VersionVector:
          type: object
          required: [counters, retiredDigest, beyond]
          properties:
            counters:
              type: object
              additionalProperties: {type: integer, minimum: 0, maximum: 9223372036854775807}
            retiredDigest: {type: integer, minimum: 0}
            beyond: {type: array, items: {$ref: "#/components/schemas/Dot"}}
        FieldValue:
          nullable: true
          oneOf:
            - {type: string}
            - {type: integer}
            - {type: boolean}
        Change:
          type: object
          required: [dot, transaction, recordType, recordID, area, field, value, supersedes, lamport, wallTime, agent]
          properties:
            dot: {$ref: "#/components/schemas/Dot"}
            transaction: {$ref: "#/components/schemas/Dot"}
            recordType: {type: string, enum: [\(RecordType.allCases.map(\.rawValue).joined(separator: ", "))]}
            recordID: {type: string, pattern: "^[\(RecordType.allCases.map(\.idPrefix).joined())]-[0-9A-Za-z]{1,32}$"}
            area: {type: string}
            field: {type: string}
            value: {$ref: "#/components/schemas/FieldValue"}
            supersedes: {type: array, items: {$ref: "#/components/schemas/Dot"}}
            lamport: {type: integer, minimum: 0}
            wallTime: {type: integer}
            agent: {type: string}
        NonceResponse:
          type: object
          required: [nonce, serverTime]
          properties:
            nonce: {type: string}
            serverTime: {type: integer, description: The server's clock, milliseconds since 1970.}
        OriginSeal:
          type: object
          required: [transaction, signature]
          properties:
            transaction: {$ref: "#/components/schemas/Dot"}
            signature: {type: string, format: byte, description: "Ed25519 (64 bytes) by the origin device over FIELDSYNC-ORIGIN-1, the transaction's dot and the sorted record digests."}
            withheld: {type: array, items: {type: string, format: byte}, description: The digests of the transaction's records not sent (outside the receiver's scope).}
        ReplicaCertificate:
          type: object
          required: [replica, device, agent, publicKey, issuedAt, signature]
          properties:
            replica: {type: string, pattern: "^[0-9A-Za-z]{1,32}$"}
            device: {type: string}
            agent: {type: string}
            publicKey: {type: string, format: byte}
            issuedAt: {type: integer}
            signature: {type: string, format: byte, description: The authority's Ed25519 signature.}
        ScopeGrant:
          type: object
          description: "The authority's statement of an agent's scope; laptops show it to each other in bundles and peer exchanges, and answer a sender with this scope only."
          required: [agent, scope, issuedAt, signature]
          properties:
            agent: {type: string}
            scope: {$ref: "#/components/schemas/SyncScope"}
            issuedAt: {type: integer}
            signature: {type: string, format: byte, description: "The authority's Ed25519 signature over FIELDSYNC-SCOPE-1, the agent, the scope and issuedAt."}
        OwnReplica:
          type: object
          required: [replica, counter, certificate]
          properties:
            replica: {type: string, pattern: "^[0-9A-Za-z]{1,32}$"}
            counter: {type: integer, minimum: 0}
            digest: {type: string, format: byte}
            certificate: {$ref: "#/components/schemas/ReplicaCertificate"}
        DigestsRequest:
          type: object
          required: [replica, after]
          properties:
            replica: {type: string, pattern: "^[0-9A-Za-z]{1,32}$"}
            after: {type: integer, minimum: 0, maximum: 9223372036854775807}
            limit: {type: integer}
        DigestsResponse:
          type: object
          required: [replica, digests, more]
          properties:
            replica: {type: string, pattern: "^[0-9A-Za-z]{1,32}$"}
            digests:
              type: array
              items:
                type: object
                required: [counter, digest]
                properties:
                  counter: {type: integer}
                  digest: {type: string, format: byte}
            more: {type: boolean}
        SyncScope:
          type: object
          required: [kind, area, families]
          properties:
            kind: {type: string, enum: [all, area, families]}
            area: {type: string}
            families: {type: array, items: {type: string}}
        AgentProfile:
          type: object
          required: [id, name, role, area, families, previousAreas]
          properties:
            id: {type: string}
            name: {type: string}
            role: {type: string, enum: [psm, psm-koordinator, tksk, pkh-pendamping, dinas]}
            area: {type: string}
            families: {type: array, items: {type: string}}
            previousAreas: {type: array, items: {type: string}}
        EnrollRequest:
          type: object
          required: [code, publicKey, deviceName, replica]
          properties:
            code: {type: string, pattern: "^[0-9A-Za-z]{4}[- ]?[0-9A-Za-z]{4}[- ]?[0-9A-Za-z]{4}$", description: "The one-time enrolment code, as `field-server agent add` printed it (case and dashes free)."}
            publicKey: {type: string, pattern: "^[A-Za-z0-9+/]{43}=$", description: Raw Ed25519 public key (32 bytes), base64.}
            deviceName: {type: string}
            replica: {type: string, pattern: "^[0-9A-Za-z]{1,32}$"}
        EnrollResponse:
          type: object
          required: [device, agent, scope, authority, authorityProof, certificate, grant]
          properties:
            device: {type: string}
            agent: {$ref: "#/components/schemas/AgentProfile"}
            scope: {$ref: "#/components/schemas/SyncScope"}
            authority: {type: string, format: byte, description: The Ed25519 public key that issues replica certificates.}
            authorityProof: {type: string, format: byte, description: "HMAC-SHA256(enrolment code, authority)."}
            certificate: {$ref: "#/components/schemas/ReplicaCertificate"}
            grant: {$ref: "#/components/schemas/ScopeGrant"}
        SessionRequest:
          type: object
          required: [replica]
          properties:
            replica: {type: string, pattern: "^[0-9A-Za-z]{1,32}$"}
            replicas: {type: array, maxItems: 100000, items: {type: string}, description: The replicas the laptop holds changes of; the answer's serverVector names only these and the agent's own.}
        SessionResponse:
          type: object
          required: [device, agent, scope, serverVector, maxBatchChanges, own, grant]
          properties:
            device: {type: string}
            agent: {$ref: "#/components/schemas/AgentProfile"}
            scope: {$ref: "#/components/schemas/SyncScope"}
            serverVector: {$ref: "#/components/schemas/VersionVector"}
            maxBatchChanges: {type: integer}
            own: {type: array, items: {$ref: "#/components/schemas/OwnReplica"}}
            grant: {$ref: "#/components/schemas/ScopeGrant"}
        PushRequest:
          type: object
          required: [batch, changes, seals]
          properties:
            batch: {type: string, minLength: 1, maxLength: 100, pattern: "^[A-Za-z0-9_-]+$"}
            changes: {type: array, maxItems: 2000, items: {$ref: "#/components/schemas/Change"}}
            seals: {type: array, items: {$ref: "#/components/schemas/OriginSeal"}}
            certificates: {type: array, items: {$ref: "#/components/schemas/ReplicaCertificate"}, description: "For a peer laptop that may not hold them; the server uses its own register and ignores these."}
        PushResponse:
          type: object
          required: [batch, accepted, duplicate]
          properties:
            batch: {type: string}
            accepted: {type: integer}
            duplicate: {type: boolean}
        PullRequest:
          type: object
          required: [knowledge]
          properties:
            knowledge: {$ref: "#/components/schemas/VersionVector"}
            upTo: {$ref: "#/components/schemas/VersionVector"}
            after: {$ref: "#/components/schemas/Dot"}
            maxChanges: {type: integer}
        PullResponse:
          type: object
          required: [changes, seals, certificates, upTo, scope]
          properties:
            changes: {type: array, items: {$ref: "#/components/schemas/Change"}}
            seals: {type: array, items: {$ref: "#/components/schemas/OriginSeal"}}
            certificates: {type: array, items: {$ref: "#/components/schemas/ReplicaCertificate"}}
            upTo: {$ref: "#/components/schemas/VersionVector"}
            next: {$ref: "#/components/schemas/Dot"}
            scope: {$ref: "#/components/schemas/SyncScope"}
    """ + "\n" + OpenAPIAttachments.schemas
}
