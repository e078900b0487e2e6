import Crypto
import Foundation
import OrderlyPorts

/// Blobs (receipts) as objects of an S3 bucket, addressed by path (`/bucket/key`), which emulators and AWS both
/// accept. S3 requires the payload's hash as a signed header.
public struct S3BlobStore: BlobStore {
    let client: AWSClient
    public let bucket: String

    public init(client: AWSClient, bucket: String) {
        self.client = client
        self.bucket = bucket
    }

    public func put(_ data: Data, key: String, contentType: String) async throws {
        _ = try await client.send(
            .s3, method: "PUT", path: "/\(bucket)/\(key)",
            headers: [("Content-Type", contentType), ("x-amz-content-sha256", Self.hash(data))], body: data)
    }

    public func get(key: String) async throws -> Data? {
        do {
            return try await client.send(
                .s3, method: "GET", path: "/\(bucket)/\(key)", headers: [("x-amz-content-sha256", Self.hash(Data()))]
            ).body
        } catch let error as AWSError where error.code == "NoSuchKey" || error.status == 404 {
            return nil
        }
    }

    /// Creates the bucket; one that exists already (and is this account's) is fine.
    public func createBucket() async throws {
        do {
            var body = Data()
            if client.configuration.region != "us-east-1" {
                body = Data(
                    """
                    <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
                    <LocationConstraint>\(client.configuration.region)</LocationConstraint></CreateBucketConfiguration>
                    """.utf8)
            }
            _ = try await client.send(
                .s3, method: "PUT", path: "/\(bucket)", headers: [("x-amz-content-sha256", Self.hash(body))], body: body
            )
        } catch let error as AWSError where error.code == "BucketAlreadyOwnedByYou" {
            return
        }
    }

    static func hash(_ data: Data) -> String { SigV4Signer.hex(SHA256.hash(data: data)) }
}
