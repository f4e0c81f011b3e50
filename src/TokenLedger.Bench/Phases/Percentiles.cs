namespace TokenLedger.Bench.Phases;

public static class Percentiles
{
    /// <summary>
    /// Nearest-rank percentile over <paramref name="population"/> values, of which only the ascending
    /// <paramref name="sorted"/> ones are known and the rest rank above them all (lost probes): null when the rank
    /// falls on an unknown value or there is nothing.
    /// </summary>
    public static double? Of(IReadOnlyList<double> sorted, int population, double percentile)
    {
        if (population == 0) return null;
        var rank = Math.Clamp((int)Math.Ceiling(percentile / 100.0 * population), 1, population);
        return rank <= sorted.Count ? sorted[rank - 1] : null;
    }
}
