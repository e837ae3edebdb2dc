/** The team's projects (GET /v1/projects) and where to go next. */
import type { Schemas } from '../api';
import { when } from '../format';

export function OverviewPage({ projects }: { projects: readonly Schemas['Project'][] | undefined }) {
  return (
    <section>
      <h1>Overview</h1>
      <h2>Projects of this key's team</h2>
      {projects === undefined ? (
        <p>Loading…</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Id</th>
                <th scope="col">Team</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {projects.map((project) => (
                <tr key={project.id}>
                  <td>{project.name}</td>
                  <td>
                    <code>{project.id}</code>
                  </td>
                  <td>
                    <code>{project.team_id}</code>
                  </td>
                  <td>{when(project.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
