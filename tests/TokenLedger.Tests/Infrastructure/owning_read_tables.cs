using System.Text.RegularExpressions;
using Shouldly;
using TokenLedger.Testing;

namespace TokenLedger.Tests.Infrastructure;

/// <summary>
/// One owner per table: SQL against a table the ledger declares (a Weasel <c>Table</c> named by a constant) is written
/// only by its owner, and every other module calls the owner's typed queries. The owner is the capability folder of the
/// file that declares the table; a capability's <c>Facts</c> folder (<c>Usage/Facts</c>) owns its tables alone, even
/// within the capability. Marten's document table of tenants belongs to Tenants; the event store's own tables
/// (<c>mt_events</c>, <c>mt_streams</c>) are infrastructure and not checked. The benchmark and the fault harness
/// (src/TokenLedger.Bench, src/TokenLedger.Faults) keep their own read SQL on purpose: they check the service's
/// figures from outside it, so they must not read them through the code under test.
/// </summary>
public sealed partial class owning_read_tables
{
    private static readonly string Service = Path.Combine(Repository.Root, "src", "TokenLedger");
    private static readonly string Host = Path.Combine(Repository.Root, "src", "TokenLedger.Api");

    public sealed record DeclaredTable(string Name, string Class, string Constant, string Owner);

    private static readonly IReadOnlyList<DeclaredTable> Tables = Declared().ToList();

    [Fact]
    public void the_usage_facts_module_owns_usage_facts_and_the_tables_read_with_it()
    {
        var owners = Tables.ToDictionary(t => t.Name, t => t.Owner);
        foreach (var table in new[] { "usage_facts", "usage_charge_adjustments", "usage_hop_charges", "invoiced_usage", "invoiced_adjustments" })
            owners.GetValueOrDefault(table).ShouldBe("Usage/Facts", $"owner of {table}");
        owners["receivable_invoices"].ShouldBe("Receivables");
        owners["prepayment_drawdowns"].ShouldBe("Prepayment");
    }

    [Fact]
    public void no_file_outside_its_owner_writes_sql_against_a_table()
    {
        var offences = Files().SelectMany(file => Tables
                .Where(t => !Owns(t.Owner, file.Module))
                .SelectMany(t => Mentions(file.Text, t).Select(line => $"{file.Path}:{line} mentions {t.Name} (owner: {t.Owner})")))
            .ToList();
        offences.ShouldBeEmpty(string.Join(Environment.NewLine, offences));
    }

    [Fact]
    public void a_mention_is_the_table_name_or_its_constant_in_code_not_in_a_comment_or_a_typed_call()
    {
        var facts = new DeclaredTable("usage_facts", "UsageFactsProjection", "TableName", "Usage/Facts");
        Mentions("        $\"from {LedgerSchema.Name}.{UsageFactsProjection.TableName} f \" +", facts).ShouldBe([1]);
        Mentions("x\n    \"select count(*) from tokenledger.usage_facts\"", facts).ShouldBe([2]);
        Mentions("/// <summary>Reads <c>usage_facts</c>.</summary>\n// usage_facts", facts).ShouldBeEmpty();
        Mentions("await UsageFactsForFunding.RetailRatedAsync(db, ids, ratedBy, ct);", facts).ShouldBeEmpty();
        Mentions("new IndexDefinition(\"ix_usage_facts_unrated\")", facts).ShouldBeEmpty();
    }

    private static bool Owns(string owner, string module) => module == owner || module.StartsWith(owner + "/", StringComparison.Ordinal);

    private static IEnumerable<int> Mentions(string text, DeclaredTable table)
    {
        var name = $@"(?<!\w){Regex.Escape(table.Name)}(?!\w)";
        var pattern = new Regex(table.Class == "-" ? name : $@"\b{table.Class}\.{table.Constant}\b|{name}");
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if (!lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal) && pattern.IsMatch(lines[i])) yield return i + 1;
    }

    private static IEnumerable<(string Path, string Module, string Text)> Files() =>
        Directory.EnumerateFiles(Service, "*.cs", SearchOption.AllDirectories).Where(p => !IsBuildOutput(p))
            .Select(p => (Path.GetRelativePath(Repository.Root, p), ModuleOf(Path.GetRelativePath(Service, p)), File.ReadAllText(p)))
            .Concat(Directory.EnumerateFiles(Host, "*.cs", SearchOption.AllDirectories).Where(p => !IsBuildOutput(p))
                .Select(p => (Path.GetRelativePath(Repository.Root, p), "(host)", File.ReadAllText(p))));

    private static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") || path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}");

    /// <summary>The folder that owns what a file declares: its <c>Facts</c> folder if it is in one, else its capability.</summary>
    private static string ModuleOf(string relativePath)
    {
        var folders = Path.GetDirectoryName(relativePath)!.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var facts = Array.IndexOf(folders, "Facts");
        return facts >= 0 ? string.Join('/', folders[..(facts + 1)]) : folders.FirstOrDefault() ?? "";
    }

    /// <summary>Every <c>new PostgresqlObjectName(schema, Constant, …)</c> of the service, with the constant's value and class.</summary>
    private static IEnumerable<DeclaredTable> Declared()
    {
        foreach (var path in Directory.EnumerateFiles(Service, "*.cs", SearchOption.AllDirectories).Where(p => !IsBuildOutput(p)))
        {
            var text = File.ReadAllText(path);
            foreach (Match table in TableDeclaration().Matches(text))
            {
                var constant = table.Groups[1].Value;
                var value = new Regex($@"const string {constant} = ""(\w+)""").Match(text);
                if (!value.Success) continue;
                var type = TypeDeclaration().Matches(text[..value.Index]).Last().Groups[1].Value;
                yield return new DeclaredTable(value.Groups[1].Value, type, constant, ModuleOf(Path.GetRelativePath(Service, path)));
            }
        }
        yield return new DeclaredTable("mt_doc_tenant", "-", "-", "Tenants");
    }

    [GeneratedRegex(@"new PostgresqlObjectName\(\s*\w+\s*,\s*(\w+)\s*,")]
    private static partial Regex TableDeclaration();

    [GeneratedRegex(@"\b(?:class|record|struct)\s+(\w+)")]
    private static partial Regex TypeDeclaration();
}
