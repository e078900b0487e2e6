import AWSAdapters
import Foundation
import Testing

/// Where the contract suites' stores live: a fresh SQLite file, or DynamoDB in `moto_server` under a fresh prefix.
enum TestStorage {
    /// Whether an emulator is there (`ORDERLY_TEST_AWS_ENDPOINT`, which `.ci/run` sets).
    static var hasDynamoDB: Bool { ProcessInfo.processInfo.environment["ORDERLY_TEST_AWS_ENDPOINT"] != nil }

    /// A new, empty folder's `orderly.sqlite` path (under this run's folder, removed when the tests end).
    static func sqlitePath(_ name: String) throws -> String {
        let folder = runFolder.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("orderly.sqlite").path
    }

    /// One folder for every folder this test process makes, removed when it exits (a test that fails or throws
    /// leaves nothing behind in the system's temporary folder either).
    static let runFolder: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "orderly-store-tests-\(UUID().uuidString)")
        atexit { try? FileManager.default.removeItem(at: TestStorage.runFolder) }
        return folder
    }()

    /// DynamoDB at the emulator, and a prefix no other test uses.
    static func dynamoDB() throws -> (DynamoDB, prefix: String) {
        let endpoint = try #require(
            ProcessInfo.processInfo.environment["ORDERLY_TEST_AWS_ENDPOINT"].flatMap { URL(string: $0) })
        let dynamo = DynamoDB(
            client: AWSClient(
                configuration: AWSConfiguration(
                    region: "us-east-1",
                    credentials: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"),
                    endpoint: endpoint)))
        return (dynamo, "orderly-test-\(UUID().uuidString.prefix(8).lowercased())")
    }
}
