using Shouldly;
using TokenLedger.Terminal;

namespace TokenLedger.Tests.Terminal;

/// <summary>
/// Issue 25, item 5: long work shows counts and rate; when the output is not a terminal (as under the test runner) it is
/// written as plain lines, one per task every interval and a final one with the average rate.
/// </summary>
public sealed class progress_without_a_terminal
{
    [Fact]
    public async Task writes_plain_lines_with_counts_and_rate_while_it_runs_and_when_it_ends()
    {
        Live.Interactive.ShouldBeFalse("the test runner's output is redirected");
        var lines = new List<string>();
        var interval = Live.PlainInterval;
        Live.PlainInterval = TimeSpan.FromMilliseconds(100);
        try
        {
            var result = await Live.ProgressAsync(async progress =>
            {
                var events = progress.AddTask("replaying events", 1_000);
                var stopped = progress.AddTask("stopped early", 50);
                stopped.Increment(20);
                stopped.StopTask();
                for (var i = 0; i < 4; i++)
                {
                    events.Increment(100);
                    await Task.Delay(150);
                }
                events.Value = 1_000;
                return 42;
            }, line => { lock (lines) lines.Add(line); });

            result.ShouldBe(42);
        }
        finally
        {
            Live.PlainInterval = interval;
        }

        var running = lines.Where(l => l.StartsWith("replaying events: ", StringComparison.Ordinal) && !l.Contains("on average")).ToList();
        running.ShouldNotBeEmpty("a line per interval while the work runs");
        running.ShouldAllBe(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^replaying events: \d{1,3}(,\d{3})*/1,000 \(\d+ %\), [\d,]+/s, \d+\.\d s$"));
        lines.Count(l => l.StartsWith("replaying events: 1,000/1,000 (100 %), ", StringComparison.Ordinal) && l.Contains("/s on average")).ShouldBe(1);
        lines.Count(l => l.StartsWith("stopped early: 20/50 (40 %), ", StringComparison.Ordinal)).ShouldBe(1, "a stopped task is reported once");
    }
}
