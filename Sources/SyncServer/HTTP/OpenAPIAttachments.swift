import SyncEngine

/// The attachment (photo) operations of the OpenAPI document, and their schemas.
enum OpenAPIAttachments {
    static let signed = """
    parameters: [{$ref: "#/components/parameters/Device"}, {$ref: "#/components/parameters/Nonce"}, {$ref: "#/components/parameters/Signature"}]
    """

    static let errors = """
            "400": {$ref: "#/components/responses/Error"}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
            "413": {$ref: "#/components/responses/Error"}
            "415": {$ref: "#/components/responses/Error"}
            "422": {$ref: "#/components/responses/Error"}
    """

    static let paths = """
      /v1/attachments/offer:
        post:
          operationId: attachmentOffer
          summary: Names attachments the device holds; per digest, how many bytes the server holds already, or why it refuses one (no record in the sender's scope refers to it).
          \(signed)
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: "#/components/schemas/AttachmentOffer"}
          responses:
            "200":
              description: Where the server stands with each.
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/AttachmentOfferResponse"}
    \(errors)
      /v1/attachments/chunk/{digest}/{offset}:
        post:
          operationId: attachmentChunk
          summary: The raw bytes of an offered attachment from `offset` (at most \(AttachmentProtocol.chunkBytes)). Stored only when `offset` is where the server stands; the SHA-256 is checked when the last byte is in.
          parameters:
            - {name: digest, in: path, required: true, schema: {type: string, pattern: "^[0-9a-f]{64}$"}}
            - {name: offset, in: path, required: true, schema: {type: integer, minimum: 0}}
            - {$ref: "#/components/parameters/Device"}
            - {$ref: "#/components/parameters/Nonce"}
            - {$ref: "#/components/parameters/Signature"}
          requestBody:
            required: true
            content:
              application/octet-stream:
                schema: {type: string, format: binary}
          responses:
            "200":
              description: How many bytes the server holds now.
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/AttachmentState"}
    \(errors)
      /v1/attachments/want:
        post:
          operationId: attachmentWant
          summary: Of the digests asked for, the attachments the server holds whole that a record in the device's scope refers to.
          \(signed)
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: "#/components/schemas/AttachmentWant"}
          responses:
            "200":
              description: What can be fetched.
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/AttachmentWantResponse"}
    \(errors)
      /v1/attachments/fetch:
        post:
          operationId: attachmentFetch
          summary: The bytes of an attachment from `offset` to the end of the stored chunk holding it.
          \(signed)
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: "#/components/schemas/AttachmentFetch"}
          responses:
            "200":
              description: Raw bytes.
              content:
                application/octet-stream:
                  schema: {type: string, format: binary}
    \(errors)
    """

    static let schemas = """
        AttachmentInfo:
          type: object
          required: [digest, size, mediaType]
          properties:
            digest: {type: string, description: SHA-256 of the bytes in lower-case hex.}
            size: {type: integer}
            mediaType: {type: string}
            caption: {type: string}
            takenAt: {type: string, description: "YYYY-MM-DD HH:MM:SS by the camera's clock."}
        AttachmentOffer:
          type: object
          required: [attachments]
          properties:
            attachments: {type: array, maxItems: \(AttachmentProtocol.maxPerRequest), items: {$ref: "#/components/schemas/AttachmentInfo"}}
        AttachmentState:
          type: object
          required: [digest, received, complete]
          properties:
            digest: {type: string}
            received: {type: integer}
            complete: {type: boolean}
            refused:
              type: object
              required: [code, message, messageEn]
              properties:
                code: {type: string}
                message: {type: string}
                messageEn: {type: string}
        AttachmentOfferResponse:
          type: object
          required: [attachments]
          properties:
            attachments: {type: array, items: {$ref: "#/components/schemas/AttachmentState"}}
        AttachmentWant:
          type: object
          required: [digests]
          properties:
            digests: {type: array, maxItems: \(AttachmentProtocol.maxPerRequest), items: {type: string}}
        AttachmentWantResponse:
          type: object
          required: [attachments]
          properties:
            attachments: {type: array, items: {$ref: "#/components/schemas/AttachmentInfo"}}
        AttachmentFetch:
          type: object
          required: [digest, offset]
          properties:
            digest: {type: string}
            offset: {type: integer, minimum: 0}
    """
}
