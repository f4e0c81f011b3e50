using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using TokenLedger.Balances;
using TokenLedger.Invoicing;
using TokenLedger.Invoicing.CreditNotes;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.Receivables;

/// <summary>
/// The receivables read model, kept inline (in the transaction of each event) and only from event data, so a rebuild
/// gives the same rows: <c>receivable_invoices</c> (one row per issued invoice with its running paid, written-off and settled amounts, the first and last recorded instant of those, and
/// <c>settled_at</c>, the recorded instant its open amount reached zero, 'infinity' while open),
/// <c>receivable_movements</c> (one row per payment allocation, write-off or credit note applied, with its recorded instant) and
/// <c>receivable_credit_limits</c> (each credit-terms change). Every "as of" figure is read from these by recorded time.
/// </summary>
public partial class ReceivablesProjection : EventProjection
{
    public const string Invoices = "receivable_invoices";
    public const string Movements = "receivable_movements";
    public const string CreditLimits = "receivable_credit_limits";
    private readonly string _schema;

    public ReceivablesProjection(string schema)
    {
        _schema = schema;
        SchemaObjects.Add(InvoiceTable(schema));
        SchemaObjects.Add(MovementTable(schema));
        SchemaObjects.Add(CreditLimitTable(schema));
        foreach (var table in new[] { Invoices, Movements, CreditLimits }) Options.DeleteDataInTableOnTeardown($"{schema}.{table}");
    }

    public void Project(IEvent<InvoiceIssued> e, IDocumentOperations ops)
    {
        var i = e.Data;
        ops.QueueSqlCommand(
            $"insert into {_schema}.{Invoices} (number, tenant_id, currency, issue_date, due_date, amount_due, issued_at, settled, paid, written_off, settled_at) " +
            "values (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, case when ?::numeric <= 0 then ?::timestamptz else 'infinity'::timestamptz end) on conflict (number) do nothing",
            i.Number, i.TenantId, i.Currency, i.IssueDate.ToDateOnly(), i.DueDate.ToDateOnly(), i.AmountDue, i.IssuedAt.ToDateTimeOffset(),
            i.AmountDue, i.IssuedAt.ToDateTimeOffset());
    }

    public void Project(IEvent<PaymentReceived> e, IDocumentOperations ops)
    {
        var p = e.Data;
        if (p.Allocations.Count == 0) return;
        Move(ops, p.TenantId, p.PaymentId, "payment", p.RecordedAt, p.ReceivedAt,
            p.Allocations.Select(a => a.InvoiceNumber).ToArray(), p.Allocations.Select(a => a.Amount).ToArray(), p.Allocations.Select(a => a.DaysAfterDue).ToArray());
    }

    public void Project(IEvent<InvoiceWrittenOff> e, IDocumentOperations ops) =>
        Move(ops, e.Data.TenantId, e.Data.WriteOffId, "write-off", e.Data.WrittenOffAt, e.Data.WrittenOffAt, [e.Data.InvoiceNumber], [e.Data.Amount], [0]);

    /// <summary>A credit note lowers its invoice like a movement (kind credit-note); a debit note is a receivable row of its own.</summary>
    public void Project(IEvent<CreditNoteIssued> e, IDocumentOperations ops)
    {
        var n = e.Data;
        if (n.Kind == CreditNoteKinds.Debit)
            ops.QueueSqlCommand(
                $"insert into {_schema}.{Invoices} (number, tenant_id, currency, issue_date, due_date, amount_due, issued_at, settled, paid, written_off, credited, settled_at) " +
                "values (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 'infinity'::timestamptz) on conflict (number) do nothing",
                n.Number, n.TenantId, n.Currency, n.IssueDate.ToDateOnly(), n.DueDate.ToDateOnly(), n.Total, n.IssuedAt.ToDateTimeOffset());
        else if (n.AppliedToInvoice > 0)
            Move(ops, n.TenantId, n.Number, "credit-note", n.IssuedAt, n.IssuedAt, [n.InvoiceNumber], [n.AppliedToInvoice], [0]);
    }

    public void Project(IEvent<CreditTermsSet> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand(
            $"insert into {_schema}.{CreditLimits} (tenant_id, seq, set_at, credit_limit) values (?, ?, ?, ?) on conflict do nothing",
            e.Data.TenantId, e.Sequence, e.Data.SetAt.ToDateTimeOffset(), (object?)e.Data.CreditLimit ?? DBNull.Value);

    private void Move(IDocumentOperations ops, string tenantId, string sourceId, string kind, NodaTime.Instant recordedAt, NodaTime.Instant receivedAt,
        string[] numbers, decimal[] amounts, int[] daysAfterDue)
    {
        ops.QueueSqlCommand(
            $"insert into {_schema}.{Movements} (source_id, invoice_number, tenant_id, kind, amount, recorded_at, received_at, days_after_due) " +
            "select ?, u.n, ?, ?, u.a, ?, ?, u.d from unnest(?::text[], ?::numeric[], ?::int[]) as u(n, a, d) on conflict do nothing",
            sourceId, tenantId, kind, recordedAt.ToDateTimeOffset(), receivedAt.ToDateTimeOffset(), numbers, amounts, daysAfterDue);
        // settled_at: the recorded instant the invoice's open amount reached zero; only the first such instant counts.
        // paid/written_off are the running totals and first/last_moved_at the span of their recorded instants: as of any
        // instant outside that span the totals are 0 or these, so only invoices with movements on both sides of an
        // "as of" need the movement rows.
        var at = recordedAt.ToDateTimeOffset();
        ops.QueueSqlCommand(
            $"update {_schema}.{Invoices} i set settled = i.settled + u.a, " +
            $"paid = coalesce(i.paid, 0) + {(kind == "payment" ? "u.a" : "0")}, written_off = coalesce(i.written_off, 0) + {(kind == "write-off" ? "u.a" : "0")}, " +
            $"credited = coalesce(i.credited, 0) + {(kind == "credit-note" ? "u.a" : "0")}, " +
            "first_moved_at = least(i.first_moved_at, ?::timestamptz), last_moved_at = greatest(i.last_moved_at, ?::timestamptz), " +
            "settled_at = case when i.settled_at = 'infinity' and i.settled + u.a >= i.amount_due then ?::timestamptz else i.settled_at end " +
            "from unnest(?::text[], ?::numeric[]) as u(n, a) where i.number = u.n",
            at, at, at, numbers, amounts);
    }

    private static Table InvoiceTable(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Invoices, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("number").AsPrimaryKey();
        table.AddColumn<string>("tenant_id").NotNull();
        table.AddColumn<string>("currency").NotNull();
        table.AddColumn("issue_date", "date").NotNull();
        table.AddColumn("due_date", "date").NotNull();
        table.AddColumn("amount_due", "numeric").NotNull();
        table.AddColumn("issued_at", "timestamptz").NotNull();
        table.AddColumn("settled", "numeric").NotNull();
        table.AddColumn("settled_at", "timestamptz").NotNull();
        table.AddColumn("paid", "numeric");
        table.AddColumn("written_off", "numeric");
        table.AddColumn("credited", "numeric");
        table.AddColumn("first_moved_at", "timestamptz");
        table.AddColumn("last_moved_at", "timestamptz");
        table.Indexes.Add(new IndexDefinition($"ix_{Invoices}_tenant") { Columns = ["tenant_id", "issued_at"], IncludeColumns = ["amount_due"] });
        // Covering indexes: the finance views read open invoices and recent invoicing with index-only scans.
        table.Indexes.Add(new IndexDefinition($"ix_{Invoices}_open")
        {
            Columns = ["settled_at", "issued_at"], IncludeColumns = ["tenant_id", "number", "currency", "issue_date", "due_date", "amount_due", "paid", "written_off", "first_moved_at", "last_moved_at", "credited"],
        });
        // The invoices open at an instant t are those whose [issued_at, settled_at) contains t: a GiST index answers that
        // for any t, now or a year ago, without scanning the invoices settled since.
        table.Indexes.Add(new IndexDefinition($"ix_{Invoices}_open_during") { Method = IndexMethod.gist, Columns = ["tstzrange(issued_at, settled_at)"] });
        table.Indexes.Add(new IndexDefinition($"ix_{Invoices}_issued") { Columns = ["issued_at"], IncludeColumns = ["currency", "amount_due"] });
        return table;
    }

    private static Table MovementTable(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Movements, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("source_id").AsPrimaryKey();
        table.AddColumn<string>("invoice_number").AsPrimaryKey();
        table.AddColumn<string>("tenant_id").NotNull();
        table.AddColumn<string>("kind").NotNull();
        table.AddColumn("amount", "numeric").NotNull();
        table.AddColumn("recorded_at", "timestamptz").NotNull();
        table.AddColumn("received_at", "timestamptz").NotNull();
        table.AddColumn<int>("days_after_due").NotNull();
        table.Indexes.Add(new IndexDefinition($"ix_{Movements}_invoice") { Columns = ["invoice_number", "recorded_at"], IncludeColumns = ["kind", "amount"] });
        table.Indexes.Add(new IndexDefinition($"ix_{Movements}_tenant") { Columns = ["tenant_id", "recorded_at"], IncludeColumns = ["kind", "days_after_due"] });
        return table;
    }

    private static Table CreditLimitTable(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, CreditLimits, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("tenant_id").AsPrimaryKey();
        table.AddColumn<long>("seq").AsPrimaryKey();
        table.AddColumn("set_at", "timestamptz").NotNull();
        table.AddColumn("credit_limit", "numeric");
        return table;
    }
}
