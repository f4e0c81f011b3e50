namespace TokenLedger.Infrastructure;

/// <summary>
/// Endpoint metadata: the endpoint reads its body itself and refuses bad text per item (usage ingest), so the host's
/// whole-request text guard leaves its body alone.
/// </summary>
public sealed class ChecksItsOwnText
{
    public static readonly ChecksItsOwnText Instance = new();
}
