import Hummingbird
import OrderlyModel
import OrderlyServices

extension APIRoutes {
    func addUserRoutes(to router: Router<AppRequestContext>) {
        router.add(
            RouteSpec(
                .post, "/v1/users", "Register a customer account", access: .anyone, body: "RegisterRequest",
                success: (201, "UserCreated"), errors: [409]), in: table
        ) { request, context in
            let body = try await JSONBody.decode(RegisterRequest.self, from: request, context: context)
            let user = try await services.accounts.register(
                .init(
                    email: body.email, password: body.password, name: body.name, phone: body.phone,
                    address: body.address))
            return try JSONResponse.make(UserCreatedBody(user), status: .created)
        }

        router.add(
            RouteSpec(
                .post, "/v1/auth/login", "Sign in and get a bearer token", access: .anyone, body: "LoginRequest",
                success: (200, "Token"), errors: [401, 429]), in: table
        ) { request, context in
            let body = try await JSONBody.decode(LoginRequest.self, from: request, context: context)
            let user = try await services.accounts.authenticate(
                email: body.email, password: body.password, clientAddress: context.clientAddress)
            let (token, expiresAt) = try await dependencies.tokens.issue(for: user)
            return try JSONResponse.make(
                TokenBody(token: token, userId: user.id, role: user.role, expiresAt: expiresAt))
        }

        router.add(
            RouteSpec(.get, "/v1/users/me", "The caller's profile", access: .signedIn, success: (200, "Profile")),
            in: table
        ) { _, context, actor in
            return try JSONResponse.make(ProfileBody(user: try await services.accounts.profile(of: actor.userID)))
        }

        router.add(
            RouteSpec(
                .patch, "/v1/users/me", "Change the caller's profile or password", access: .signedIn,
                body: "ProfilePatchRequest", success: (200, "Profile"), errors: [429]), in: table
        ) { request, context, actor in
            let body = try await JSONBody.decode(ProfilePatchRequest.self, from: request, context: context)
            let user = try await services.accounts.updateProfile(
                of: actor.userID,
                .init(
                    name: body.name, phone: body.phone.clearable, address: body.address.clearable,
                    password: body.password, currentPassword: body.currentPassword))
            return try JSONResponse.make(ProfileBody(user: user))
        }

        router.add(
            RouteSpec(
                .post, "/v1/admin/users", "Create a user of any role (couriers, admins)", access: .roles([.admin]),
                body: "AdminCreateUserRequest", success: (201, "UserCreated"), errors: [409]), in: table
        ) { request, context, actor in
            let body = try await JSONBody.decode(AdminCreateUserRequest.self, from: request, context: context)
            let user = try await services.accounts.createAccount(
                .init(
                    email: body.email, password: body.password, name: body.name, phone: body.phone,
                    address: body.address, role: body.role), by: actor)
            return try JSONResponse.make(UserCreatedBody(user), status: .created)
        }
    }
}
