namespace TokenLedger.Bench.Infrastructure;

public sealed record ServiceLogSummary(string Path, int Warnings, int Errors, IReadOnlyList<string> Samples);

/// <summary>Counts warnings and errors in the service's console log (single-line format: "HH:mm:ss warn: ...").</summary>
public static class ServiceLog
{
    private const int MaxSamples = 8;
    private const int MaxSampleLength = 240;

    public static ServiceLogSummary? Scan(string? path)
    {
        if (path is null || !File.Exists(path)) return null;
        int warnings = 0, errors = 0;
        var samples = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            var isError = line.Contains(" fail: ", StringComparison.Ordinal) || line.Contains(" crit: ", StringComparison.Ordinal);
            var isWarning = line.Contains(" warn: ", StringComparison.Ordinal);
            if (isError) errors++;
            else if (isWarning) warnings++;
            else continue;
            var text = line.Length > 9 ? line[9..] : line; // drop the time, keep one sample per distinct message start
            var key = text.Length > 80 ? text[..80] : text;
            if (samples.Count < MaxSamples && seen.Add(key)) samples.Add(text.Length > MaxSampleLength ? text[..MaxSampleLength] + "…" : text);
        }
        return new ServiceLogSummary(path, warnings, errors, samples);
    }
}
