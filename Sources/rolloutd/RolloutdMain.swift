import RolloutCLI

/// The `rolloutd` executable: the controller; flags and wiring live in RolloutCLI.
@main
enum RolloutdMain {
    static func main() async {
        await RolloutdCommand.main(nil)
    }
}
