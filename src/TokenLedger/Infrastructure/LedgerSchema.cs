namespace TokenLedger.Infrastructure;

public static class LedgerSchema
{
    public const string Name = "tokenledger";
}
