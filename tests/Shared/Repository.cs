namespace TokenLedger.Testing;

/// <summary>The checkout the tests run from: the folder above the test binaries that holds TokenLedger.sln. Compiled into both test projects.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TokenLedger.sln"))) return dir.FullName;
        throw new InvalidOperationException($"TokenLedger.sln not found above {AppContext.BaseDirectory}");
    }
}
