using System.Data.Common;

namespace TokenLedger.IntegrationTests.Bridge;

/// <summary>The databases new-api runs on that the bridge tests read: PostgreSQL (the test server) and MySQL (MariaDB).</summary>
public enum NewApiSource
{
    PostgreSql,
    MySql,
}

/// <summary>A new-api database the bridge reads: its URL for --db, and how new-api's inserts land in it.</summary>
public interface INewApiDatabase : IAsyncDisposable
{
    /// <summary>The database as a URL (<c>postgres://</c>, <c>mysql://</c>) for the bridge's --db.</summary>
    string Url { get; }

    /// <summary>The database as new-api's own SQL_DSN names it, which --db also takes.</summary>
    string SqlDsn { get; }

    /// <summary>Inserts the rows in order, as fast as new-api's own inserts come; returns the last id.</summary>
    Task<long> InsertAsync(IReadOnlyList<NewApiLog> rows);

    /// <summary>
    /// Inserts one row as new-api does, in a transaction left open: the row has its id (from the sequence, or InnoDB's
    /// AUTO_INCREMENT) but no other session sees it until <see cref="PendingInsert.CommitAsync"/>.
    /// </summary>
    Task<PendingInsert> BeginInsertAsync(NewApiLog row);
}

/// <summary>A row inserted in a transaction not yet committed (<see cref="INewApiDatabase.BeginInsertAsync"/>).</summary>
public sealed class PendingInsert(DbConnection connection, DbTransaction transaction, long id) : IAsyncDisposable
{
    public long Id => id;

    public Task CommitAsync() => transaction.CommitAsync();

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }

    /// <summary>The values of new-api's one-row insert, by the parameter names both databases' INSERT statements use.</summary>
    public static void AddValues(DbCommand insert, NewApiLog log)
    {
        foreach (var (name, value) in new (string, object)[]
                 {
                     ("u", (long)log.UserId), ("c", log.CreatedAt), ("t", (long)log.Type), ("n", log.Username), ("k", log.TokenName),
                     ("ki", (long)log.TokenId), ("g", log.Group), ("m", log.ModelName), ("p", log.PromptTokens), ("o", log.CompletionTokens),
                     ("x", (object?)log.Other ?? DBNull.Value),
                 })
        {
            var parameter = insert.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            insert.Parameters.Add(parameter);
        }
    }
}
