using JasperFx.Events.Projections;
using Marten;
using TokenLedger.Usage.Facts;

namespace TokenLedger.Invoicing;

public static class InvoicingConfiguration
{
    public static void ConfigureInvoicing(this StoreOptions opts, string schema)
    {
        opts.Storage.ExtendedSchemaObjects.Add(InvoiceNumbers.Table(schema));
        opts.Storage.ExtendedSchemaObjects.Add(InvoicedUsage.Table(schema));
        opts.Storage.ExtendedSchemaObjects.Add(InvoicedAdjustments.Table(schema));
        opts.Storage.ExtendedSchemaObjects.Add(Rendering.RenderedInvoices.Define(schema));
        opts.Projections.Snapshot<Invoice>(SnapshotLifecycle.Inline);
        opts.Schema.For<Invoice>().UniqueIndex(i => i.Number).Index(i => i.TenantId);
        opts.Schema.For<InvoiceTerms>();
        opts.Projections.Add(new CreditNotes.CreditNotesProjection(), ProjectionLifecycle.Inline);
        opts.Schema.For<CreditNotes.CreditNote>().Index(n => n.InvoiceNumber).Index(n => n.TenantId);
    }
}
