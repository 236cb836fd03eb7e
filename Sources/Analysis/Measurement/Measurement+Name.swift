import SluiceAPI

/// A measurement as kept in an AnalysisRun's status. Named here so that `Measurement`
/// means SluiceAPI's type in this module, not Foundation's unit-carrying one.
public typealias Measurement = SluiceAPI.Measurement
