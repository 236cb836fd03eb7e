import RolloutCLI

/// The `rollout` executable: parsing, commands and rendering live in RolloutCLI.
@main
enum RolloutMain {
    static func main() async {
        await RolloutCommand.main(nil)
    }
}
