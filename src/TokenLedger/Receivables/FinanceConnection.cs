using Npgsql;

namespace TokenLedger.Receivables;

/// <summary>
/// A pooled connection for the finance queries with PostgreSQL's JIT off: their cost estimates (a correlated subquery
/// per invoice, rarely run) cross the JIT threshold, and compiling took longer (about 120 ms) than the query itself.
/// </summary>
public static class FinanceConnection
{
    public static async Task<NpgsqlConnection> OpenAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var connection = await db.OpenConnectionAsync(ct);
        await using var off = new NpgsqlCommand("set jit = off", connection);
        await off.ExecuteNonQueryAsync(ct);
        return connection;
    }
}
