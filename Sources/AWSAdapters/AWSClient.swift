import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StatesLanguage

/// An AWS service as the client addresses it: its signing name, the first label of its endpoint, and the name of its
/// `AWS_ENDPOINT_URL_<SERVICE>` override.
public struct AWSService: Hashable, Sendable {
    public var signingName: String
    public var endpointPrefix: String
    public var environmentName: String

    public static let dynamoDB = AWSService(
        signingName: "dynamodb", endpointPrefix: "dynamodb", environmentName: "DYNAMODB")
    public static let sqs = AWSService(signingName: "sqs", endpointPrefix: "sqs", environmentName: "SQS")
    public static let sns = AWSService(signingName: "sns", endpointPrefix: "sns", environmentName: "SNS")
    public static let eventBridge = AWSService(
        signingName: "events", endpointPrefix: "events", environmentName: "EVENTBRIDGE")
    public static let s3 = AWSService(signingName: "s3", endpointPrefix: "s3", environmentName: "S3")
    public static let stepFunctions = AWSService(
        signingName: "states", endpointPrefix: "states", environmentName: "SFN")
}

/// Where and as whom the AWS adapters speak: the region, the credentials, and endpoint overrides (an emulator).
public struct AWSConfiguration: Sendable {
    public var region: String
    public var credentials: AWSCredentials
    /// `AWS_ENDPOINT_URL`: every service at this address (moto, LocalStack).
    public var endpoint: URL?
    /// `AWS_ENDPOINT_URL_<SERVICE>`, by ``AWSService/environmentName``: one service elsewhere.
    public var serviceEndpoints: [String: URL]

    public init(
        region: String, credentials: AWSCredentials, endpoint: URL? = nil, serviceEndpoints: [String: URL] = [:]
    ) {
        self.region = region
        self.credentials = credentials
        self.endpoint = endpoint
        self.serviceEndpoints = serviceEndpoints
    }

    /// The configuration the standard AWS environment variables give.
    /// - Throws: ``AWSError`` naming the variable that is missing or unusable.
    public static func fromEnvironment(_ environment: [String: String]) throws -> AWSConfiguration {
        guard let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"], !region.isEmpty else {
            throw AWSError(code: "MissingRegion", message: "Set AWS_REGION.", status: 0)
        }
        guard let credentials = AWSCredentials.fromEnvironment(environment) else {
            throw AWSError(
                code: "MissingCredentials", message: "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.", status: 0)
        }
        func url(_ name: String) throws -> URL? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw AWSError(code: "InvalidEndpoint", message: "\(name) must be an http(s) URL.", status: 0)
            }
            return url
        }
        var services: [String: URL] = [:]
        for service in [AWSService.dynamoDB, .sqs, .sns, .eventBridge, .s3, .stepFunctions] {
            services[service.environmentName] = try url("AWS_ENDPOINT_URL_\(service.environmentName)")
        }
        return AWSConfiguration(
            region: region, credentials: credentials, endpoint: try url("AWS_ENDPOINT_URL"),
            serviceEndpoints: services)
    }

    /// The base URL of `service`: its override, the global override, or AWS's regional endpoint.
    public func baseURL(for service: AWSService) -> URL {
        serviceEndpoints[service.environmentName] ?? endpoint
            ?? URL(string: "https://\(service.endpointPrefix).\(region).amazonaws.com")!
    }
}

/// An error answered by an AWS service (or met on the way), with AWS's error code: `ConditionalCheckFailedException`,
/// `ThrottlingException`, `ResourceNotFoundException`, ...
public struct AWSError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    /// The HTTP status, 0 when the request never got an answer.
    public var status: Int
    /// For a cancelled `TransactWriteItems`: the reason code of each item (`None` for those that were fine).
    public var cancellationReasons: [String]

    public init(code: String, message: String, status: Int, cancellationReasons: [String] = []) {
        self.code = code
        self.message = message
        self.status = status
        self.cancellationReasons = cancellationReasons
    }

    public var description: String { "\(code) (\(status)): \(message)" }

    /// Reads the error of a JSON (`__type`, `message`) or XML (`<Code>`, `<Message>`) answer.
    static func parse(status: Int, body: Data) -> AWSError {
        if let json = try? JSON(parsing: String(decoding: body, as: UTF8.self)),
            let type = json["__type"]?.stringValue ?? json["code"]?.stringValue
        {
            let code = type.split(separator: "#").last.map(String.init) ?? type
            let message = json["message"]?.stringValue ?? json["Message"]?.stringValue ?? ""
            let reasons = json["CancellationReasons"]?.arrayValue?.map { $0["Code"]?.stringValue ?? "None" } ?? []
            return AWSError(code: code, message: message, status: status, cancellationReasons: reasons)
        }
        let text = String(decoding: body, as: UTF8.self)
        func element(_ name: String) -> String? {
            guard let start = text.range(of: "<\(name)>"),
                let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex)
            else { return nil }
            return String(text[start.upperBound..<end.lowerBound])
        }
        return AWSError(
            code: element("Code") ?? "HTTP\(status)", message: element("Message") ?? text.prefix(200).description,
            status: status)
    }
}

/// When a failed call is tried again: throttling, a 5xx or no answer, up to ``maximumAttempts``, after a pause
/// drawn from an exponential back-off with full jitter.
public struct AWSRetryPolicy: Sendable {
    public var maximumAttempts = 5
    /// Seconds: the ceiling of the first pause, and of any.
    public var base = 0.05
    public var cap = 5.0

    public init() {}

    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "SlowDown", "RequestThrottled", "LimitExceededException", "PriorRequestNotComplete",
        "EC2ThrottledException", "InternalServerError", "ServiceUnavailable",
    ]

    /// Whether an error is worth another attempt.
    public func isRetriable(_ error: AWSError) -> Bool {
        error.status == 0 || error.status >= 500 || error.status == 429 || Self.throttlingCodes.contains(error.code)
    }

    /// The pause before attempt `attempt` (2 for the first retry): uniformly drawn below `base × 2^(attempt-2)`,
    /// capped.
    public func delay(beforeAttempt attempt: Int, random: Double) -> Duration {
        let exponent = min(max(attempt - 2, 0), 20)
        let ceiling = min(base * Double(1 << exponent), cap)
        return .seconds(ceiling * min(max(random, 0), 1))
    }
}

/// A signed HTTP client for AWS's APIs, on async-http-client: signs each request with SigV4, retries what AWS says
/// may be retried, and turns error answers into ``AWSError``.
public final class AWSClient: Sendable {
    public let configuration: AWSConfiguration
    public let retry: AWSRetryPolicy
    let http: HTTPClient
    let clock: @Sendable () -> Date

    public init(
        configuration: AWSConfiguration, retry: AWSRetryPolicy = AWSRetryPolicy(), http: HTTPClient = AWSClient.http,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.retry = retry
        self.http = http
        self.clock = clock
    }

    /// The process's HTTP client for AWS: like `HTTPClient.shared`, with more connections per host (64, not 8),
    /// since SQS long polls hold theirs for seconds, and an emulator serves every service from one host.
    public static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        // Kept for the life of the process (a static is never released), so never shut down.
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// An answer that was not an error.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: Data
    }

    /// Sends one request to `service`, signed, with retries.
    /// - Parameter idempotent: whether sending it twice does what sending it once does. A request that got no answer
    ///   (it may have been applied) is sent again only then; a throttled or failed one is sent again in any case.
    /// - Throws: ``AWSError`` with the service's error code, or `status` 0 when no answer came.
    public func send(
        _ service: AWSService, method: String = "POST", path: String = "/", query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: Data = Data(), idempotent: Bool = true
    ) async throws -> Response {
        var attempt = 1
        while true {
            do {
                return try await sendOnce(
                    service, method: method, path: path, query: query, headers: headers, body: body)
            } catch let error as AWSError
                where retry.isRetriable(error) && attempt < retry.maximumAttempts && (idempotent || error.status != 0)
            {
                attempt += 1
                try await Task.sleep(for: retry.delay(beforeAttempt: attempt, random: Double.random(in: 0...1)))
            }
        }
    }

    /// Calls a JSON-protocol action (DynamoDB, EventBridge, Step Functions, SQS): `X-Amz-Target: <prefix>.<action>`.
    public func json(
        _ service: AWSService, target: String, payload: JSON, contentType: String = "application/x-amz-json-1.0",
        idempotent: Bool = true
    ) async throws -> JSON {
        let response = try await send(
            service, headers: [("Content-Type", contentType), ("X-Amz-Target", target)],
            body: Data(payload.serialized().utf8), idempotent: idempotent)
        guard !response.body.isEmpty else { return [:] }
        do {
            return try JSON(parsing: String(decoding: response.body, as: UTF8.self))
        } catch {
            throw AWSError(
                code: "InvalidResponse", message: "\(target) answered JSON that does not parse.",
                status: response.status)
        }
    }

    private func sendOnce(
        _ service: AWSService, method: String, path: String, query: [(name: String, value: String)],
        headers: [(name: String, value: String)], body: Data
    ) async throws -> Response {
        let base = configuration.baseURL(for: service)
        let host = base.port.map { "\(base.host!):\($0)" } ?? base.host!
        let fullPath = (base.path.hasSuffix("/") ? String(base.path.dropLast()) : base.path) + path
        let signer = SigV4Signer(
            credentials: configuration.credentials, region: configuration.region, service: service.signingName)
        let toSign = SigV4Signer.Request(
            method: method, host: host, path: fullPath, query: query, headers: headers, body: body)
        let signature = signer.signatureHeaders(for: toSign, at: clock())
        let queryText = query.map { "\(SigV4Signer.encode($0.name))=\(SigV4Signer.encode($0.value))" }
            .joined(separator: "&")
        let encodedPath = fullPath.split(separator: "/", omittingEmptySubsequences: false)
            .map { SigV4Signer.encode(String($0)) }.joined(separator: "/")
        var request = HTTPClientRequest(
            url: "\(base.scheme!)://\(host)\(encodedPath)" + (queryText.isEmpty ? "" : "?\(queryText)"))
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers + signature { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        let data: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .seconds(30))
            data = try await response.body.collect(upTo: 32 << 20)
        } catch {
            throw AWSError(code: "NetworkError", message: "\(error)", status: 0)
        }
        let bytes = Data(data.readableBytesView)
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else { throw AWSError.parse(status: status, body: bytes) }
        return Response(status: status, headers: response.headers.map { ($0.name, $0.value) }, body: bytes)
    }
}
