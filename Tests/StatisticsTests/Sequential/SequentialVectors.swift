/// The shape of `ReferenceVectors/sequential.json`, written by `scripts/reference-vectors/sequential.py`.
struct SequentialVectors: Decodable {
    struct Arm: Decodable { let count: Int; let mean: Double; let variance: Double }
    struct NormalLook: Decodable {
        let baseline: Arm, canary: Arm
        let logLikelihoodRatio: Double, pValue: Double, lower: Double, upper: Double
    }
    struct NormalCase: Decodable {
        let name: String, tau2: Double, alpha: Double, nullDifference: Double, looks: [NormalLook]
    }
    struct BernoulliLook: Decodable {
        let baselineSuccesses: Int, baselineTrials: Int, canarySuccesses: Int, canaryTrials: Int
        let meaningful: Bool, logLikelihoodRatio: Double, pValue: Double, lower: Double, upper: Double
    }
    struct BernoulliCase: Decodable {
        let name: String, tau2: Double, alpha: Double, minimumCount: Int, looks: [BernoulliLook]
    }
    struct PoissonLook: Decodable {
        let canaryEvents: Int, baselineEvents: Int
        let logBayesFactor: Double, maxLogBayesFactor: Double, pValue: Double, rejected: Bool
    }
    struct PoissonCase: Decodable {
        let name: String, canaryShare: Double, priorAlpha: Double, priorBeta: Double
        let alternative: String, alpha: Double, looks: [PoissonLook]
    }
    struct BetaCase: Decodable {
        let successes: Int, failures: Int, nullProbability: Double, priorAlpha: Double, priorBeta: Double
        let oneSided: Bool, logBayesFactor: Double
    }
    struct DirichletLook: Decodable {
        let counts: [Int], logBayesFactor: Double, maxLogBayesFactor: Double, pValue: Double, rejected: Bool
    }
    struct DirichletCase: Decodable {
        let name: String, nullWeights: [Double], prior: [Double], alpha: Double, looks: [DirichletLook]
        let plannedRequests: Double?
    }
    struct ErrorRatioLook: Decodable {
        let errors: Int, requests: Int, logBayesFactor: Double, maxLogBayesFactor: Double
        let pValue: Double, breached: Bool
    }
    struct ErrorRatioCase: Decodable {
        let name: String, threshold: Double, priorAlpha: Double, priorBeta: Double, alpha: Double
        let looks: [ErrorRatioLook]
    }
    struct Tuning: Decodable {
        struct Ratio: Decodable { let alpha: Double, dimensions: Int, ratio: Double }
        struct Normal: Decodable { let plannedVariance: Double, alpha: Double, tau2: Double }
        struct NormalArms: Decodable {
            let baselineVariance: Double, canaryVariance: Double, plannedSamplesPerArm: Double, alpha: Double, tau2: Double
        }
        struct Bernoulli: Decodable { let rate: Double, plannedSamplesPerArm: Double, alpha: Double, tau2: Double }
        struct Concentration: Decodable {
            let plannedEvents: Double, alpha: Double, dimensions: Int, oneSided: Bool, concentration: Double
        }
        let ratios: [Ratio], normal: [Normal], normalArms: [NormalArms], bernoulli: [Bernoulli]
        let concentration: [Concentration]
    }
    struct Multiplicity: Decodable { let pValues: [Double], holm: [Double], benjaminiHochberg: [Double] }
    struct BurnRates: Decodable {
        struct Rate: Decodable { let errors: Int, requests: Int, sloTarget: Double, rate: Double }
        struct Window: Decodable {
            let sloTarget: Double, threshold: Double
            let longErrors: Int, longRequests: Int, shortErrors: Int, shortRequests: Int
            let longBurnRate: Double, shortBurnRate: Double, firing: Bool
        }
        let rates: [Rate], windows: [Window]
    }
    struct Shift: Decodable {
        struct PSICounts: Decodable { let expected: [Int], actual: [Int], pseudocount: Double, index: Double }
        struct PSIProportions: Decodable { let expected: [Double], actual: [Double], index: Double }
        struct ChiSquare: Decodable {
            let baseline: [Int], canary: [Int], statistic: Double, degreesOfFreedom: Int, pValue: Double
            let yatesCorrected: Bool
        }
        let psiCounts: [PSICounts], psiProportions: [PSIProportions], chiSquare: [ChiSquare]
    }
    struct Planning: Decodable {
        struct Proportions: Decodable {
            let baselineRate: Double, minimumDetectableEffect: Double, alpha: Double, power: Double
            let variance: String, exact: Double, perArm: Int
        }
        struct Means: Decodable {
            let minimumDetectableEffect: Double, standardDeviation: Double, canaryStandardDeviation: Double
            let alpha: Double, power: Double, exact: Double, perArm: Int
        }
        let proportions: [Proportions], means: [Means]
    }

    let normalMixture: [NormalCase]
    let bernoulliMixture: [BernoulliCase]
    let poissonRatio: [PoissonCase]
    let betaMixture: [BetaCase]
    let dirichlet: [DirichletCase]
    let sampleRatioMismatch: [DirichletCase]
    let errorRatio: [ErrorRatioCase]
    let tuning: Tuning
    let multiplicity: [Multiplicity]
    let burnRate: BurnRates
    let shift: Shift
    let planning: Planning

    static func load() throws -> SequentialVectors { try referenceVectors("sequential") }
}
