/// Sorting finite Doubles for rank tests: an LSD radix sort (11-bit digits, passes whose digit
/// is the same for every key skipped) on the order-preserving integer image of each value, so
/// large samples sort in O(n) passes instead of O(n log n) comparisons. Small inputs use the
/// standard library sort. −0.0 becomes +0.0, so that the two tie as `==` says they do.
enum RadixSort {
    /// `values` ascending; every value must be finite (callers validate first).
    static func sorted(_ values: [Double]) -> [Double] {
        if values.count < 512 { return values.sorted() }
        var keys = values.map(key)
        var scratch = [UInt64](repeating: 0, count: keys.count)
        var counts = [Int](repeating: 0, count: 2048)
        keys.withUnsafeMutableBufferPointer { keysBuffer in
            scratch.withUnsafeMutableBufferPointer { scratchBuffer in
                counts.withUnsafeMutableBufferPointer { counts in
                    var source = keysBuffer
                    var destination = scratchBuffer
                    var resultInScratch = false
                    for shift in stride(from: UInt64(0), to: 64, by: 11) {
                        for index in counts.indices { counts[index] = 0 }
                        for key in source { counts[Int((key >> shift) & 0x7FF)] += 1 }
                        if counts.contains(source.count) { continue }
                        var total = 0
                        for index in counts.indices {
                            let count = counts[index]
                            counts[index] = total
                            total += count
                        }
                        for key in source {
                            let digit = Int((key >> shift) & 0x7FF)
                            destination[counts[digit]] = key
                            counts[digit] += 1
                        }
                        swap(&source, &destination)
                        resultInScratch.toggle()
                    }
                    if resultInScratch {
                        for index in keysBuffer.indices { keysBuffer[index] = scratchBuffer[index] }
                    }
                }
            }
        }
        return keys.map(value)
    }

    /// Order-preserving map from finite Doubles to UInt64 (sign bit flipped for positives, all
    /// bits flipped for negatives).
    private static func key(_ x: Double) -> UInt64 {
        let bits = (x == 0 ? 0.0 : x).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    private static func value(_ key: UInt64) -> Double {
        Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }
}
