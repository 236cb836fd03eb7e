/// Blue-green: the new version runs beside the active one behind the preview Service, then
/// the active Service switches to it at once.
public struct BlueGreenStrategy: Codable, Sendable, Hashable {
    /// Service that receives production traffic; its selector is switched on promotion.
    public var activeService: String
    /// Service that selects the new version before promotion.
    public var previewService: String?
    /// Pods of the new version before promotion; `spec.replicas` when absent.
    public var previewReplicaCount: Int32?
    /// Promote without waiting for `rollout promote`; true when absent.
    public var autoPromotionEnabled: Bool?
    /// Seconds after the new version is ready before automatic promotion.
    public var autoPromotionSeconds: Int32?
    /// Seconds the old version stays up after promotion; 30 when absent.
    public var scaleDownDelaySeconds: Int32?
    /// Seconds the new version stays up after an abort; 30 when absent.
    public var abortScaleDownDelaySeconds: Int32?
    /// Must succeed before the active Service switches.
    public var prePromotionAnalysis: RolloutAnalysis?
    /// Runs after the switch; failure switches back.
    public var postPromotionAnalysis: RolloutAnalysis?

    public init(
        activeService: String, previewService: String? = nil, previewReplicaCount: Int32? = nil,
        autoPromotionEnabled: Bool? = nil, autoPromotionSeconds: Int32? = nil, scaleDownDelaySeconds: Int32? = nil,
        abortScaleDownDelaySeconds: Int32? = nil, prePromotionAnalysis: RolloutAnalysis? = nil,
        postPromotionAnalysis: RolloutAnalysis? = nil
    ) {
        self.activeService = activeService
        self.previewService = previewService
        self.previewReplicaCount = previewReplicaCount
        self.autoPromotionEnabled = autoPromotionEnabled
        self.autoPromotionSeconds = autoPromotionSeconds
        self.scaleDownDelaySeconds = scaleDownDelaySeconds
        self.abortScaleDownDelaySeconds = abortScaleDownDelaySeconds
        self.prePromotionAnalysis = prePromotionAnalysis
        self.postPromotionAnalysis = postPromotionAnalysis
    }

    public static let defaultScaleDownDelaySeconds: Int32 = 30
    public static let defaultAbortScaleDownDelaySeconds: Int32 = 30
}

extension BlueGreenStrategy: SchemaDescribable {
    public static var schema: Schema {
        .object("Runs the new version beside the active one, then switches the active Service.", required: ["activeService"], [
            "activeService": String.field("Service that receives production traffic."),
            "previewService": String.field("Service that selects the new version before promotion."),
            "previewReplicaCount": Int32.field("Pods of the new version before promotion; spec.replicas when absent."),
            "autoPromotionEnabled": Bool.field("Promote without waiting for rollout promote; true when absent."),
            "autoPromotionSeconds": Int32.field("Seconds after the new version is ready before automatic promotion."),
            "scaleDownDelaySeconds": Int32.field("Seconds the old version stays up after promotion; 30 when absent."),
            "abortScaleDownDelaySeconds": Int32.field("Seconds the new version stays up after an abort; 30 when absent."),
            "prePromotionAnalysis": RolloutAnalysis.field("Must succeed before the active Service switches."),
            "postPromotionAnalysis": RolloutAnalysis.field("Runs after the switch; failure switches back."),
        ])
    }
}
