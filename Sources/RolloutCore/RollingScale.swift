import SluiceAPI

/// Moves two ReplicaSets toward target sizes the way a Deployment's rolling update does:
/// never more than `replicas + maxSurge` pods in all, never fewer than
/// `replicas - maxUnavailable` available. Used without a router, where the canary's weight
/// is its share of pods, so that the stable side shrinks only as canary pods become
/// available (and the other way round on abort).
struct RollingScale: Equatable {
    struct Side: Equatable {
        var current: Int32
        var available: Int32
        var target: Int32
    }

    var canary: Side
    var stable: Side
    /// Most pods in all.
    var maxTotal: Int32
    /// Fewest available pods in all.
    var minAvailable: Int32

    init(canary: Side, stable: Side, replicas: Int32, maxSurge: IntOrPercent?, maxUnavailable: IntOrPercent?) {
        self.canary = canary
        self.stable = stable
        let surge = (maxSurge ?? CanaryStrategy.defaultMaxSurge).pods(of: replicas, roundUp: true) ?? 1
        var unavailable = (maxUnavailable ?? CanaryStrategy.defaultMaxUnavailable).pods(of: replicas, roundUp: false) ?? 0
        // As in Deployments: with no surge and no unavailability the update could never move.
        if surge == 0, unavailable == 0 { unavailable = 1 }
        maxTotal = replicas + max(0, surge)
        minAvailable = max(0, replicas - max(0, unavailable))
    }

    /// The next sizes: growth first (within the surge room), then shrinking (within the
    /// availability room; pods not available can always go).
    func next() -> (canary: Int32, stable: Int32) {
        var room = maxTotal - (canary.current + stable.current)
        func grow(_ side: Side) -> Int32 {
            guard side.target > side.current else { return side.current }
            let size = min(side.target, side.current + max(0, room))
            room -= size - side.current
            return size
        }
        let grownCanary = grow(canary)
        let grownStable = grow(stable)
        var availableRoom = canary.available + stable.available - minAvailable
        func shrink(_ side: Side, _ size: Int32) -> Int32 {
            guard side.target < size else { return size }
            let unavailable = max(0, side.current - side.available)
            let removable = unavailable + max(0, availableRoom)
            let newSize = max(side.target, size - removable)
            availableRoom -= max(0, (size - newSize) - unavailable)
            return newSize
        }
        let canarySize = shrink(canary, grownCanary)
        let stableSize = shrink(stable, grownStable)
        return (canarySize, stableSize)
    }
}
