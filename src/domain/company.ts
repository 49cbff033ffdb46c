export interface Company {
  id: string;
  name: string;
  taxId?: string;
  address?: string;
  lastActivityAt?: Date;
}
