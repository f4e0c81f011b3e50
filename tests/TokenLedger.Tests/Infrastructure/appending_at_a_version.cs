using System.Text.RegularExpressions;
using Shouldly;
using TokenLedger.Testing;

namespace TokenLedger.Tests.Infrastructure;

/// <summary>
/// Every append in the ledger names the version it follows (docs/writes.md, "Every append names its version"): a command
/// decides against the stream it fetched for writing (<c>FetchForWriting</c>, <c>IEventStream.AppendOne</c>), starts a
/// new stream, or appends at the version it read (<c>AppendAtCurrentVersionAsync</c>). A bare <c>Events.Append</c> is
/// allowed only where the version is named on the same line, or in a subscription's own output stream.
/// </summary>
public sealed partial class appending_at_a_version
{
    [GeneratedRegex(@"\.Events\.Append\(")]
    private static partial Regex BareAppend();

    /// <summary>Streams only one subscription writes, in the transaction that moves its progression: Marten refuses the commit if another node moved it first.</summary>
    private static readonly HashSet<string> SubscriptionOutputs =
    [
        "Balances/Funding/FundingSubscription.cs", // account-decisions:{tenant}
        "Prepayment/Drawdowns/PrepaymentSubscription.cs", // the distributor's prepayment decisions
        "Infrastructure/StreamTails.cs", // joins an append of the same session that named the version
    ];

    private static string Folder => Path.Combine(Repository.Root, "src", "TokenLedger");

    [Fact]
    public void no_write_appends_without_naming_a_version()
    {
        var found = Directory.EnumerateFiles(Folder, "*.cs", SearchOption.AllDirectories)
            .Select(f => (Path: f, Relative: Path.GetRelativePath(Folder, f).Replace('\\', '/')))
            .Where(f => !f.Relative.StartsWith("bin/") && !f.Relative.StartsWith("obj/") && !SubscriptionOutputs.Contains(f.Relative))
            .SelectMany(f => File.ReadLines(f.Path).Select((text, i) => (f.Relative, Line: i + 1, Text: text)))
            .Where(l => BareAppend().IsMatch(l.Text) && !l.Text.Contains("Version") && !l.Text.Contains(".Count"))
            .Select(l => $"{l.Relative}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        found.ShouldBeEmpty($"append at the version read (session.AppendAtCurrentVersionAsync, FetchForWriting):\n{string.Join("\n", found)}");
    }

    [Theory]
    [InlineData("session.Events.Append(AccountStreams.For(tenantId), fact);")]
    [InlineData("            operations.Events.Append(stream, facts);")]
    public void the_scan_recognises_a_bare_append(string line) =>
        (BareAppend().IsMatch(line) && !line.Contains("Version") && !line.Contains(".Count")).ShouldBeTrue();
}
