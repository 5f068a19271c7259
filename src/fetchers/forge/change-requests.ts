// What the image automation needs of a pull request (GitHub, Gitea) or merge request (GitLab), whatever the service.

/** PullRequest is one open change request: its number (GitLab's iid), web address, title and description. */
export interface PullRequest {
  number: number;
  url: string;
  title: string;
  body: string;
}

/** ChangeRequests finds, opens and updates the change requests of one repository. */
export interface ChangeRequests {
  /** findOpen returns the open change request from branch `head` into `base`, if there is one. */
  findOpen(head: string, base: string): Promise<PullRequest | undefined>;
  /** open opens one from `head` into `base`. */
  open(pr: { head: string; base: string; title: string; body: string }): Promise<PullRequest>;
  /** update sets the title and description of an open one. */
  update(number: number, pr: { title: string; body: string }): Promise<PullRequest>;
}
