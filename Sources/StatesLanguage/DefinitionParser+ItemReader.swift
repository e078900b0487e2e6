import Foundation

/// A distributed Map's `ItemReader`: where its items come from, read by a task of the engine's resolver (Step
/// Functions reads S3 itself; the embedded engine asks the handler of the resource).
public struct ItemReader: Sendable {
    /// `arn:aws:states:::s3:getObject` (one object's items) or `arn:aws:states:::s3:listObjectsV2` (the objects
    /// under a prefix, each an item).
    public let resource: String
    /// `Bucket` and `Key` (or `Prefix`), with `.$` paths.
    public let parameters: Template?
    /// `JSON` (an array), `JSONL` (a value per line) or `CSV`; none for a listing.
    public let inputType: String?
    /// For CSV: the first row names the columns (`FIRST_ROW`), or `CSVHeaders` does (`GIVEN`).
    public let csvHeaders: [String]?
    public let maxItems: Int?
    public let maxItemsPath: JSONPath?
    /// JSONata: `MaxItems` given as an expression.
    public let maxItemsExpression: QueryExpression?

    public static let getObject = "arn:aws:states:::s3:getObject"
    public static let listObjects = "arn:aws:states:::s3:listObjectsV2"
}

/// A distributed Map's `ResultWriter`: its results written as AWS writes them (`SUCCEEDED_0.json`, `FAILED_0.json`
/// and `manifest.json` under `Prefix/<map run id>/`), by `s3:putObject` tasks of the engine's resolver, and
/// `WriterConfig`'s shape for them (or, with no `Resource`, for the Map's own output).
public struct ResultWriter: Sendable {
    public static let putObject = "arn:aws:states:::s3:putObject"

    /// `NONE`: each child's record (its input, output, status and names); `COMPACT`: each child's output; `FLATTEN`:
    /// the outputs with an array's elements in its place. A failed child keeps its record whatever is asked.
    public enum Transformation: String, Sendable { case none = "NONE", compact = "COMPACT", flatten = "FLATTEN" }
    /// A file holds a JSON array (`JSON`) or one JSON text a line (`JSONL`).
    public enum OutputType: String, Sendable { case json = "JSON", jsonl = "JSONL" }

    /// `Bucket` and `Prefix`, with `.$` paths; nil when nothing is written (`WriterConfig` alone).
    public let parameters: Template?
    public let transformation: Transformation
    public let outputType: OutputType
}

extension DefinitionParser {
    mutating func resultWriter(_ json: JSON, distributed: Bool, location: String) -> ResultWriter? {
        guard case .object(let object) = json else {
            report(location, "ResultWriter must be an object")
            return nil
        }
        if !distributed { report(location, "ResultWriter needs ProcessorConfig Mode DISTRIBUTED") }
        let parargs = parargsField
        for key in object.keys.sorted() where !["Resource", parargs, "WriterConfig"].contains(key) {
            report("\(location)/\(key)", "The field '\(key)' is not supported in ResultWriter")
        }
        // Written to S3 without a WriterConfig, each child's whole record; with one, as it says.
        var transformation = ResultWriter.Transformation.none
        var outputType = ResultWriter.OutputType.json
        if let config = object["WriterConfig"] {
            guard case .object(let fields) = config else {
                report("\(location)/WriterConfig", "WriterConfig must be an object")
                return nil
            }
            for key in fields.keys.sorted() where !["Transformation", "OutputType"].contains(key) {
                report("\(location)/WriterConfig/\(key)", "The field '\(key)' is not supported in WriterConfig")
            }
            transformation = .compact
            if let value = fields["Transformation"] {
                guard let parsed = value.stringValue.flatMap(ResultWriter.Transformation.init(rawValue:)) else {
                    report(
                        "\(location)/WriterConfig/Transformation", "Transformation must be NONE, COMPACT or FLATTEN")
                    return nil
                }
                transformation = parsed
            }
            if let value = fields["OutputType"] {
                guard let parsed = value.stringValue.flatMap(ResultWriter.OutputType.init(rawValue:)) else {
                    report("\(location)/WriterConfig/OutputType", "OutputType must be JSON or JSONL")
                    return nil
                }
                outputType = parsed
            }
            // WriterConfig alone shapes the Map's output and writes nothing.
            if object["Resource"] == nil && object[parargs] == nil {
                return ResultWriter(parameters: nil, transformation: transformation, outputType: outputType)
            }
        }
        guard object["Resource"] == .string(ResultWriter.putObject) else {
            report(
                "\(location)/Resource",
                object["Resource"] == nil && object["WriterConfig"] == nil
                    ? "ResultWriter needs a Resource and \(parargs), a WriterConfig, or all three"
                    : "ResultWriter's Resource must be \(ResultWriter.putObject)",
                code: Diagnostic.invalidResource)
            return nil
        }
        guard case .object(let parameters)? = object[parargs],
            parameters["Bucket"] != nil || parameters["Bucket.$"] != nil
        else {
            report("\(location)/\(parargs)", "ResultWriter needs \(parargs) with a Bucket (and a Prefix)")
            return nil
        }
        return ResultWriter(
            parameters: self.parargs(object, location: location), transformation: transformation,
            outputType: outputType)
    }

    mutating func itemReader(_ json: JSON, distributed: Bool, location: String) -> ItemReader? {
        guard case .object(let object) = json else {
            report(location, "ItemReader must be an object")
            return nil
        }
        if !distributed { report(location, "ItemReader needs ProcessorConfig Mode DISTRIBUTED") }
        let parargs = parargsField
        for key in object.keys.sorted() where !["Resource", parargs, "ReaderConfig"].contains(key) {
            report("\(location)/\(key)", "The field '\(key)' is not supported in ItemReader")
        }
        guard case .string(let resource)? = object["Resource"],
            [ItemReader.getObject, ItemReader.listObjects].contains(resource)
        else {
            report(
                "\(location)/Resource",
                "ItemReader's Resource must be \(ItemReader.getObject) or \(ItemReader.listObjects)",
                code: Diagnostic.invalidResource)
            return nil
        }
        var config: JSONObject = [:]
        if let value = object["ReaderConfig"] {
            guard case .object(let given) = value else {
                report("\(location)/ReaderConfig", "ReaderConfig must be an object")
                return nil
            }
            config = given
        }
        let at = "\(location)/ReaderConfig"
        var inputType: String?
        switch config["InputType"] {
        case nil where resource == ItemReader.getObject:
            report(at, "Reading an object (s3:getObject) needs ReaderConfig InputType JSON, JSONL or CSV")
        case nil: break
        case .string(let type)? where ["JSON", "JSONL", "CSV"].contains(type): inputType = type
        case .string("MANIFEST")?, .string("PARQUET")?:
            report("\(at)/InputType", "InputType MANIFEST and PARQUET are not supported", code: Diagnostic.unsupported)
        default: report("\(at)/InputType", "InputType must be JSON, JSONL or CSV")
        }
        var headers: [String]?
        if inputType == "CSV" {
            switch config["CSVHeaderLocation"] {
            case nil, .string("FIRST_ROW")?:
                if config["CSVHeaders"] != nil {
                    report("\(at)/CSVHeaders", "CSVHeaders goes with CSVHeaderLocation GIVEN")
                }
            case .string("GIVEN")?:
                guard case .array(let names)? = config["CSVHeaders"], !names.isEmpty,
                    names.allSatisfy({ $0.stringValue != nil })
                else {
                    report("\(at)/CSVHeaders", "CSVHeaderLocation GIVEN needs CSVHeaders, a non-empty array of strings")
                    break
                }
                headers = names.compactMap(\.stringValue)
            default: report("\(at)/CSVHeaderLocation", "CSVHeaderLocation must be FIRST_ROW or GIVEN")
            }
        }
        if config["MaxItems"] != nil && config["MaxItemsPath"] != nil {
            report(at, "ReaderConfig may have 'MaxItems' or 'MaxItemsPath', not both")
        }
        let (maxItems, maxItemsExpression) = numberField(
            config, "MaxItems", location: at, refused: "MaxItems must be a whole number from 1 to 100000000"
        ) { $0.intValue.flatMap { (1...100_000_000).contains($0) ? $0 : nil } }
        return ItemReader(
            resource: resource, parameters: self.parargs(object, location: location),
            inputType: inputType, csvHeaders: headers, maxItems: maxItems,
            maxItemsPath: config["MaxItemsPath"].flatMap { path($0, "MaxItemsPath", location: at) },
            maxItemsExpression: maxItemsExpression)
    }
}
