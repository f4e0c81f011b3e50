using System.Text.RegularExpressions;

namespace TokenLedger.Faults.Harness;

/// <summary>Counts error lines (<c>fail:</c>, <c>crit:</c>, unhandled exceptions) in service logs and names the distinct ones.</summary>
public static partial class LogScanner
{
    public sealed record Findings(int ErrorLines, int HealthCheckLines, IReadOnlyList<(string Message, int Count)> Distinct,
        IReadOnlyList<string> UnretriedUsageFailures)
    {
        public string Summary(int top = 5) =>
            (ErrorLines == 0
                ? "no fail/crit lines in the service logs"
                : $"{ErrorLines} fail/crit lines in the service logs: " + string.Join(" | ", Distinct.Take(top).Select(d => $"{d.Count}x {d.Message}"))) +
            (HealthCheckLines > 0 ? $" (plus {HealthCheckLines} failed health checks)" : "");
    }

    public static Findings Scan(IEnumerable<string> logFiles)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var total = 0;
        var health = 0;
        var unretried = new List<string>();
        foreach (var file in logFiles.Where(File.Exists))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                var match = ErrorLine().Match(line);
                if (!match.Success) continue;
                if (line.Contains("HealthChecks.DefaultHealthCheckService", StringComparison.Ordinal))
                {
                    health++;
                    continue;
                }
                total++;
                if (UsageFailure().Match(line) is { Success: true } failure && !RetriedException().IsMatch(failure.Groups["exception"].Value))
                    unretried.Add($"{Path.GetFileName(file)}: {line[..Math.Min(line.Length, 400)]}");
                var message = Numbers().Replace(match.Groups["message"].Value, "#");
                if (message.Length > 200) message = message[..200] + "…";
                counts[message] = counts.GetValueOrDefault(message) + 1;
            }
        }
        return new Findings(total, health, counts.OrderByDescending(c => c.Value).Select(c => (c.Key, c.Value)).ToList(), unretried);
    }

    /// <summary>A usage delivery that failed, and the exception type it failed with.</summary>
    [GeneratedRegex(@"Failed to process message tokenledger\.usage\.raw\S* from \S+ (?<exception>[\w.]+)")]
    private static partial Regex UsageFailure();

    /// <summary>The exception types the service's error policy retries (MessagingSetup: NpgsqlException, TimeoutException).</summary>
    [GeneratedRegex(@"^(?:Npgsql\.NpgsqlException|Npgsql\.PostgresException|System\.TimeoutException)$")]
    private static partial Regex RetriedException();

    [GeneratedRegex(@"(?:\b(?:fail|crit): |Unhandled exception\. )(?<message>.*)$")]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+(?:\.\d+)?")]
    private static partial Regex Numbers();
}
