/** The dashboard's entry: the key paste screen until a key is accepted, then the pages. */
import { render } from 'preact';
import { answer } from './api';
import { ErrorBanner } from './components/error-banner';
import { KeyOwner } from './components/key-owner';
import { KeyPaste } from './components/key-paste';
import { clearError } from './errors';
import { AuditLogPage } from './pages/audit-log';
import { BroadcastsPage } from './pages/broadcasts';
import { ContactsPage } from './pages/contacts';
import { DomainsPage } from './pages/domains';
import { KeysPage } from './pages/keys';
import { ListsPage } from './pages/lists';
import { EmailsPage } from './pages/emails';
import { OverviewPage } from './pages/overview';
import { SegmentsPage } from './pages/segments';
import { SuppressionsPage } from './pages/suppressions';
import { TemplatesPage } from './pages/templates';
import { WebhooksPage } from './pages/webhooks';
import { href, route, SECTIONS } from './router';
import { apiKey, forgetKey } from './session';
import { useResource } from './use-resource';

function App() {
  const key = apiKey.value;
  if (key === undefined) {
    return (
      <>
        <ErrorBanner />
        <KeyPaste />
      </>
    );
  }
  return <Shell apiKey={key} />;
}

function Shell({ apiKey: key }: { apiKey: string }) {
  const projects = useResource((client) => answer(client.GET('/v1/projects', {})), []);
  const current = route.value;
  return (
    <>
      <header class="top">
        <a class="brand" href={href('overview')}>
          scopegate
        </a>
        <KeyOwner apiKey={key} />
        <button
          type="button"
          class="small"
          onClick={() => {
            clearError();
            forgetKey();
          }}
        >
          Forget key
        </button>
      </header>
      <nav aria-label="Sections">
        <ul>
          {SECTIONS.map(({ section, label }) => (
            <li key={section}>
              <a href={href(section)} aria-current={current.section === section ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main>
        <ErrorBanner />
        {current.section === 'overview' && <OverviewPage projects={projects.value?.data} />}
        {current.section === 'domains' && <DomainsPage id={current.id} />}
        {current.section === 'templates' && <TemplatesPage id={current.id} />}
        {current.section === 'webhooks' && <WebhooksPage id={current.id} />}
        {current.section === 'emails' && <EmailsPage id={current.id} />}
        {current.section === 'contacts' && <ContactsPage id={current.id} />}
        {current.section === 'lists' && <ListsPage id={current.id} />}
        {current.section === 'broadcasts' && <BroadcastsPage id={current.id} />}
        {current.section === 'suppressions' && <SuppressionsPage />}
        {current.section === 'segments' && <SegmentsPage id={current.id} />}
        {current.section === 'keys' && <KeysPage id={current.id} />}
        {current.section === 'audit-log' && <AuditLogPage />}
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
