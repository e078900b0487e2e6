import Foundation
import StatesLanguage
import WorkflowEngine

/// S3's `GetObject`, `ListObjectsV2` and `PutObject` over a local folder, for a distributed Map's ItemReader and
/// ResultWriter run with `orderly states run`: object `Key` of `Bucket` is the file `folder/Bucket/Key`.
struct FolderObjects: TaskResolver, TaskHandler {
    let folder: URL

    func handler(for resource: String) -> (any TaskHandler)? {
        [ItemReader.getObject, ItemReader.listObjects, ResultWriter.putObject].contains(resource) ? self : nil
    }

    /// This folder's handlers first, then `other`'s.
    func before(_ other: any TaskResolver) -> any TaskResolver { Layered(first: self, then: other) }

    func invoke(_ invocation: TaskInvocation) async throws -> JSON {
        guard let bucket = invocation.input["Bucket"]?.stringValue, Self.safe(bucket) else {
            throw StatesError("S3.InvalidBucketName", "The Bucket parameter is missing or not a bucket name.")
        }
        let root = folder.appendingPathComponent(bucket)
        if invocation.resource == ItemReader.listObjects {
            let prefix = invocation.input["Prefix"]?.stringValue ?? ""
            let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.fileSizeKey])
            var contents: [JSON] = []
            while let url = files?.nextObject() as? URL {
                let key = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
                guard key.hasPrefix(prefix),
                    (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true
                else { continue }
                let size = (try? url.resourceValues(forKeys: [.fileSizeKey]))?.fileSize ?? 0
                contents.append(["Key": .string(key), "Size": .int(size)])
            }
            contents.sort { ($0["Key"]?.stringValue ?? "") < ($1["Key"]?.stringValue ?? "") }
            return ["Contents": .array(contents), "KeyCount": .int(contents.count)]
        }
        guard let key = invocation.input["Key"]?.stringValue, Self.safe(key) else {
            throw StatesError("S3.NoSuchKey", "The Key parameter is missing or leaves the bucket.")
        }
        if invocation.resource == ResultWriter.putObject {
            let file = root.appendingPathComponent(key)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data((invocation.input["Body"]?.stringValue ?? "").utf8).write(to: file, options: .atomic)
            return ["ETag": .string("\"\(StableName.of(key))\"")]
        }
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(key).path),
            let body = String(data: data, encoding: .utf8)
        else { throw StatesError("S3.NoSuchKey", "The specified key does not exist: \(key)") }
        return ["Body": .string(body)]
    }

    /// A short stand-in for an ETag.
    enum StableName {
        static func of(_ text: String) -> String {
            String(
                text.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 },
                radix: 16)
        }
    }

    /// A name that stays inside its folder.
    static func safe(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix("/") && !name.split(separator: "/").contains("..")
    }

    private struct Layered: TaskResolver {
        let first: any TaskResolver
        let then: any TaskResolver
        func handler(for resource: String) -> (any TaskHandler)? {
            first.handler(for: resource) ?? then.handler(for: resource)
        }
    }
}
