using System.Text.RegularExpressions;
using Shouldly;
using TokenLedger.Testing;

namespace TokenLedger.Tests.Testing;

/// <summary>
/// The integration tests take every date from the test epoch (tests/TokenLedger.IntegrationTests/Fixtures/Epoch.cs,
/// TOKENLEDGER_TEST_EPOCH), so the suite passes whatever year the epoch is in. A date written as a literal year
/// (2026-06, "2025-12-01T00:00:00Z") would pin a test to one year again; this scan refuses it.
/// </summary>
public sealed partial class dating_integration_tests_from_the_epoch
{
    private const string Epoch = "Fixtures/Epoch.cs";

    /// <summary>A date in a string ("2026-06", "2025-12-01T00:00:00Z") or in a constructor (new DateTimeOffset(2026, 6, 1, ...), Instant.FromUtc(2026, ...)).</summary>
    [GeneratedRegex(@"(?<![\d.])(19|20)\d\d(-\d|, ?\d{1,2}, ?\d)")]
    private static partial Regex LiteralYear();

    /// <summary>Tests of a pure function of an instant they pass in, dated deliberately before any data of the suite.</summary>
    private static readonly HashSet<string> ExplicitInstants =
    [
        "Usage/pruning_dead_letters.cs", // DeadLetterPruner.PruneOnceAsync(now) over rows of 2019-2020, so no other test's rows are due
    ];

    private static string Folder => Path.Combine(Repository.Root, "tests", "TokenLedger.IntegrationTests");

    private static IEnumerable<(string File, int Line, string Text)> LiteralYears() =>
        Directory.EnumerateFiles(Folder, "*.cs", SearchOption.AllDirectories)
            .Select(f => (Path: f, Relative: Path.GetRelativePath(Folder, f).Replace('\\', '/')))
            .Where(f => !f.Relative.StartsWith("bin/") && !f.Relative.StartsWith("obj/") && f.Relative != Epoch && !ExplicitInstants.Contains(f.Relative))
            .SelectMany(f => File.ReadLines(f.Path).Select((text, i) => (f.Relative, i + 1, text)))
            .Where(l => LiteralYear().IsMatch(l.text));

    [Fact]
    public void no_integration_test_spells_a_year_outside_the_epoch()
    {
        var found = LiteralYears().Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}").ToList();

        found.ShouldBeEmpty($"date these from Fixtures/Epoch.cs (Epoch.MonthsAgo(n), Epoch.Today, ...):\n{string.Join("\n", found)}");
    }

    [GeneratedRegex(@"DateTime(Offset)?\.(Utc)?Now|SystemClock\.Instance|Task\.Delay")]
    private static partial Regex WallClock();

    /// <summary>A read of the wall clock: DateTime(Offset).(Utc)Now, DateTime.Today, NodaTime's SystemClock, TimeProvider.System.</summary>
    [GeneratedRegex(@"\bDateTime(Offset)?\.(UtcNow|Now|Today)\b|\bSystemClock\b|TimeProvider\.System\b")]
    private static partial Regex WallClockRead();

    /// <summary>
    /// Every service the integration tests start runs on a clock they control (<c>Epoch.Clock</c>, or a pinned
    /// <c>FakeClock</c>), so every date a test sends or expects comes from it (<c>Epoch.Now</c>, <c>fixture.Now</c>), and
    /// a wait for something real is measured with a <c>Stopwatch</c>: no integration test reads the wall clock.
    /// </summary>
    [Fact]
    public void no_integration_test_reads_the_wall_clock()
    {
        var found = Directory.EnumerateFiles(Folder, "*.cs", SearchOption.AllDirectories)
            .Select(f => (Path: f, Relative: Path.GetRelativePath(Folder, f).Replace('\\', '/')))
            .Where(f => !f.Relative.StartsWith("bin/") && !f.Relative.StartsWith("obj/"))
            .SelectMany(f => File.ReadLines(f.Path).Select((text, i) => (f.Relative, Line: i + 1, Text: text)))
            .Where(l => WallClockRead().IsMatch(l.Text) && !l.Text.TrimStart().StartsWith("//") && !l.Text.TrimStart().StartsWith("///"))
            .Select(l => $"{l.Relative}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        found.ShouldBeEmpty($"date from Epoch.Now / Epoch.UtcNow / fixture.Now (the services' clock), measure real waits with a Stopwatch:\n{string.Join("\n", found)}");
    }

    /// <summary>The scan finds what it looks for (so an empty result means something).</summary>
    [Theory]
    [InlineData("var at = DateTimeOffset.UtcNow.AddMinutes(-5);")]
    [InlineData("var deadline = DateTime.UtcNow + timeout;")]
    [InlineData("var today = DateTime.Today;")]
    [InlineData("var now = SystemClock.Instance.GetCurrentInstant();")]
    [InlineData("var now = TimeProvider.System.GetUtcNow();")]
    public void the_wall_clock_scan_recognises_a_read(string line) => WallClockRead().IsMatch(line).ShouldBeTrue();

    [Theory]
    [InlineData("var at = Epoch.UtcNow.AddMinutes(-5);")]
    [InlineData("var now = fixture.Now;")]
    [InlineData("var waited = Stopwatch.StartNew();")]
    public void the_wall_clock_scan_lets_the_tests_clock_through(string line) => WallClockRead().IsMatch(line).ShouldBeFalse();

    /// <summary>
    /// The tests on the pinned-clock service read its <c>FakeClock</c> and move it forward; they neither read the wall
    /// clock nor sleep. A line that must (something the database stamps) says why in a "// wall clock:" comment.
    /// </summary>
    [Fact]
    public void the_tests_on_the_pinned_clock_read_neither_the_wall_clock_nor_sleep()
    {
        var found = Directory.EnumerateFiles(Folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("[Collection(PinnedClockCollection.Name)]"))
            .SelectMany(f => File.ReadLines(f).Select((text, i) => $"{Path.GetRelativePath(Folder, f)}:{i + 1}: {text.Trim()}"))
            .Where(l => WallClock().IsMatch(l) && !l.Contains("// wall clock: "))
            .ToList();

        found.ShouldBeEmpty($"use fixture.Now and fixture.FakeClock.Advance(...):\n{string.Join("\n", found)}");
    }

    [Fact]
    public void the_scan_sees_the_integration_tests_and_would_catch_a_literal_date()
    {
        Directory.EnumerateFiles(Folder, "*.cs", SearchOption.AllDirectories).Count().ShouldBeGreaterThan(50);
        LiteralYear().IsMatch("""new { period = "2031-06" }""").ShouldBeTrue();
        LiteralYear().IsMatch("""DateTimeOffset.Parse("2025-12-01T00:00:00Z")""").ShouldBeTrue();
        LiteralYear().IsMatch("Instant.FromUtc(2026, 9, 15, 0, 0)").ShouldBeTrue();
        LiteralYear().IsMatch("Epoch.MonthsAgo(3).Period").ShouldBeFalse();
        LiteralYear().IsMatch("new { amount = 2000, days = 30 }").ShouldBeFalse();
        Directory.EnumerateFiles(Folder, "*.cs", SearchOption.AllDirectories).Count(f => File.ReadAllText(f).Contains("[Collection(PinnedClockCollection.Name)]"))
            .ShouldBeGreaterThan(10);
        WallClock().IsMatch("var at = DateTimeOffset.UtcNow.AddMinutes(-5);").ShouldBeTrue();
    }
}
