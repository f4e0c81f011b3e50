using TokenLedger.Testing;

namespace TokenLedger.Tests.Contracts;

/// <summary>Where the files of contracts/ are, from the test binaries.</summary>
internal static class ContractFiles
{
    public static readonly string Root = Path.Combine(Repository.Root, "contracts");
    public static readonly string Examples = Path.Combine(Root, "examples");
    public static readonly string Schemas = Path.Combine(Root, "schemas");

    public static byte[] Example(string name) => File.ReadAllBytes(Path.Combine(Examples, name));

    public static string ExampleText(string name) => File.ReadAllText(Path.Combine(Examples, name));

    public static string SchemaText(string name) => File.ReadAllText(Path.Combine(Schemas, name));
}
